package io.siyu.wecom.callback;

import io.siyu.wecom.callback.CallbackRejected.Check;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads WeCom's flat callback XML ({@code <xml><Name>value</Name>...</xml>}) with a StAX reader
 * that refuses any DOCTYPE outright: no DTD, no entity declarations, no external entities, so
 * XXE and billion-laughs payloads fail before anything is expanded. Elements with child elements
 * (such as {@code <MemChangeList><Item>a</Item>...}) become lists.
 */
public final class CallbackXml {

    private static final int MAX_ELEMENTS = 1_000;
    private static final XMLInputFactory FACTORY = newFactory();

    private CallbackXml() {}

    /** The elements under the root, in document order. */
    public record Fields(Map<String, String> values, Map<String, List<String>> lists) {

        public String get(String name) {
            return values.get(name);
        }

        public List<String> list(String name) {
            return lists.getOrDefault(name, List.of());
        }
    }

    public static Fields parse(String xml) {
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.createXMLStreamReader(new StringReader(xml));
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, List<String>> lists = new LinkedHashMap<>();
            int depth = 0;
            int elements = 0;
            String field = null;
            StringBuilder text = new StringBuilder();
            List<String> items = null;
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.DTD -> throw new CallbackRejected(Check.MALFORMED_XML, "DOCTYPE is not allowed");
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw new CallbackRejected(Check.MALFORMED_XML, "entity references are not allowed");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++elements > MAX_ELEMENTS) {
                            throw new CallbackRejected(Check.MALFORMED_XML, "more than " + MAX_ELEMENTS + " elements");
                        }
                        depth++;
                        if (depth == 2) {
                            field = reader.getLocalName();
                            text.setLength(0);
                            items = null;
                        } else if (depth == 3) {
                            if (items == null) {
                                items = new ArrayList<>();
                            }
                            text.setLength(0);
                        } else if (depth > 3) {
                            throw new CallbackRejected(Check.MALFORMED_XML, "nesting deeper than expected");
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (depth >= 2) {
                            text.append(reader.getText());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        if (depth == 3) {
                            items.add(text.toString().strip());
                            text.setLength(0);
                        } else if (depth == 2) {
                            if (items != null) {
                                lists.put(field, List.copyOf(items));
                            } else {
                                values.put(field, text.toString().strip());
                            }
                            field = null;
                        }
                        depth--;
                    }
                    default -> { }
                }
            }
            if (elements == 0) {
                throw new CallbackRejected(Check.MALFORMED_XML, "no root element");
            }
            return new Fields(values, lists);
        } catch (XMLStreamException | RuntimeException e) {
            if (e instanceof CallbackRejected r) {
                throw r;
            }
            throw new CallbackRejected(Check.MALFORMED_XML, "not well-formed XML");
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing held
                }
            }
        }
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are not allowed");
        });
        return f;
    }
}
