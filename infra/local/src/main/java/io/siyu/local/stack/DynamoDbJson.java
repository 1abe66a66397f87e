package io.siyu.local.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Attribute values in DynamoDB's JSON form ({@code {"S": "x"}}, {@code {"N": "1"}}, ...), as stream events carry them. */
final class DynamoDbJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DynamoDbJson() {}

    static ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode out = JSON.createObjectNode();
        item.forEach((name, value) -> out.set(name, value(value)));
        return out;
    }

    static ObjectNode value(AttributeValue v) {
        ObjectNode out = JSON.createObjectNode();
        if (v.s() != null) {
            out.put("S", v.s());
        } else if (v.n() != null) {
            out.put("N", v.n());
        } else if (v.b() != null) {
            out.put("B", base64(v.b()));
        } else if (v.bool() != null) {
            out.put("BOOL", v.bool());
        } else if (Boolean.TRUE.equals(v.nul())) {
            out.put("NULL", true);
        } else if (v.hasSs()) {
            ArrayNode a = out.putArray("SS");
            v.ss().forEach(a::add);
        } else if (v.hasNs()) {
            ArrayNode a = out.putArray("NS");
            v.ns().forEach(a::add);
        } else if (v.hasBs()) {
            ArrayNode a = out.putArray("BS");
            v.bs().forEach(b -> a.add(base64(b)));
        } else if (v.hasM()) {
            out.set("M", item(v.m()));
        } else if (v.hasL()) {
            ArrayNode a = out.putArray("L");
            v.l().forEach(e -> a.add(value(e)));
        } else {
            out.put("NULL", true);
        }
        return out;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}
