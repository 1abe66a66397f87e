package io.siyu.wecom.callback;

import io.siyu.wecom.callback.CallbackRejected.Check;

/**
 * The outer body of an event callback: {@code <xml><ToUserName/><AgentID/><Encrypt/></xml>}.
 * Also writes one, for the CLI and for tests that play WeCom.
 */
public record CallbackEnvelope(String toUserName, String agentId, String encrypt) {

    public static CallbackEnvelope parse(String body) {
        CallbackXml.Fields f = CallbackXml.parse(body);
        String encrypt = f.get("Encrypt");
        if (encrypt == null || encrypt.isEmpty()) {
            throw new CallbackRejected(Check.MALFORMED_XML, "Encrypt element is missing");
        }
        return new CallbackEnvelope(f.get("ToUserName"), f.get("AgentID"), encrypt);
    }

    public String toXml() {
        StringBuilder xml = new StringBuilder("<xml><ToUserName><![CDATA[").append(toUserName).append("]]></ToUserName>");
        if (agentId != null) {
            xml.append("<AgentID><![CDATA[").append(agentId).append("]]></AgentID>");
        }
        return xml.append("<Encrypt><![CDATA[").append(encrypt).append("]]></Encrypt></xml>").toString();
    }
}
