package io.siyu.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test fixtures kept under {@code fixtures/} in this module: WeCom XML and JSON, AWS event JSON. */
public final class Fixtures {
    private Fixtures() {}

    public static String text(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A WeCom callback event sample (fixtures/wecom/events), with ToUserName set to {@code corpId}. */
    public static String wecomEvent(String name, String corpId) {
        return text("wecom/events/" + name).replace("<![CDATA[toUser]]>", "<![CDATA[" + corpId + "]]>");
    }
}
