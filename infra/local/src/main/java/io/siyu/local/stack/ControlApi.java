package io.siyu.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.local.wecom.WeComWorld;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stack's own HTTP API under {@code /_local/} (not part of Siyu; it does not exist in
 * AWS). Everything but {@code /_local/health} needs the admin bearer token.
 * <pre>
 * GET  /_local/health                              the stack is up (no token needed)
 * GET  /_local/stack                               configuration, functions and their counts, routes, rules, schedules
 * GET  /_local/events?after=N                      events the bus accepted after sequence number N, with the rules they matched
 * POST /_local/idle?timeoutSeconds=30              returns when nothing is in flight (200) or after the timeout (504)
 * POST /_local/schedules/{id}/fire                 fires a schedule now (id: Function.EventName)
 * PUT  /_local/wecom/customers/{external_userid}   sets what WeCom knows of a customer: name, type, gender, unionid
 * GET  /_local/wecom/customers/{external_userid}   externalcontact/get as the stub answers it
 * PUT  /_local/wecom/groupchats/{chat_id}          sets a group's name, owner, notice
 * PUT  /_local/wecom/groupchats/{chat_id}/joins/{userid}  the join facts (state, join_scene, invitor) of the next add_member
 * GET  /_local/wecom/messages                      mass-message tasks and send results
 * POST /_local/wecom/messages/{msgid}/confirm/{userid}  a member confirms a mass message
 * PUT  /_local/wecom/users/{userid}/confirm-mode   {"automatic": false}: the member's mass messages wait for a confirm
 * POST /_local/wecom/received-today/{external_userid or chat_id}  it got a mass message today outside Siyu (个人群发)
 * GET  /_local/wecom/calls                         how many times each WeCom API was called
 * </pre>
 */
final class ControlApi implements HttpGateway.Control {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIRE = Pattern.compile("/_local/schedules/([^/]+)/fire");
    private static final Pattern CUSTOMER = Pattern.compile("/_local/wecom/customers/([^/]+)");
    private static final Pattern GROUP = Pattern.compile("/_local/wecom/groupchats/([^/]+)");
    private static final Pattern JOIN = Pattern.compile("/_local/wecom/groupchats/([^/]+)/joins/([^/]+)");
    private static final Pattern CONFIRM = Pattern.compile("/_local/wecom/messages/([^/]+)/confirm/([^/]+)");
    private static final Pattern CONFIRM_MODE = Pattern.compile("/_local/wecom/users/([^/]+)/confirm-mode");
    private static final Pattern RECEIVED_TODAY = Pattern.compile("/_local/wecom/received-today/([^/]+)");

    private final LocalStack stack;

    ControlApi(LocalStack stack) {
        this.stack = stack;
    }

    @Override
    public HttpGateway.Reply handle(String method, String path, Map<String, String> query, byte[] body) throws InterruptedException {
        Matcher m;
        if (path.equals("/_local/health")) {
            return ok(JSON.createObjectNode().put("status", "ok").put("corpId", stack.settings().corpId()));
        }
        if (path.equals("/_local/stack") && method.equals("GET")) {
            return ok(stack.describe());
        }
        if (path.equals("/_local/events") && method.equals("GET")) {
            long after = Long.parseLong(query.getOrDefault("after", "0"));
            ObjectNode reply = JSON.createObjectNode();
            ArrayNode events = reply.putArray("events");
            long last = after;
            for (EventBusRouter.LoggedEvent e : stack.bus().events(after)) {
                events.add(JSON.valueToTree(e));
                last = Math.max(last, e.seq());
            }
            reply.put("last", last);
            return ok(reply);
        }
        if (path.equals("/_local/idle") && method.equals("POST")) {
            int seconds = Integer.parseInt(query.getOrDefault("timeoutSeconds", "30"));
            boolean idle = stack.awaitIdle(Duration.ofSeconds(seconds));
            return new HttpGateway.Reply(idle ? 200 : 504, JSON.createObjectNode().put("idle", idle));
        }
        if ((m = FIRE.matcher(path)).matches() && method.equals("POST")) {
            stack.schedules().fire(m.group(1));
            return new HttpGateway.Reply(202, JSON.createObjectNode().put("fired", m.group(1)));
        }
        if (path.startsWith("/_local/wecom/")) {
            return wecom(method, path, body);
        }
        return new HttpGateway.Reply(404, JSON.createObjectNode().put("message", "no control route " + method + " " + path));
    }

    private HttpGateway.Reply wecom(String method, String path, byte[] body) {
        if (stack.wecom() == null) {
            return new HttpGateway.Reply(409, JSON.createObjectNode().put("message",
                    "the stack talks to a real WeCom (" + stack.wecomBaseUrl() + "); there is no stub to control"));
        }
        WeComWorld world = stack.wecom().world();
        Matcher m;
        if (path.equals("/_local/wecom/calls") && method.equals("GET")) {
            return ok(JSON.valueToTree(stack.wecom().calls()));
        }
        if (path.equals("/_local/wecom/messages") && method.equals("GET")) {
            ObjectNode reply = JSON.createObjectNode();
            reply.set("messages", world.massMessages());
            return ok(reply);
        }
        if ((m = CONFIRM.matcher(path)).matches() && method.equals("POST")) {
            return ok(world.confirm(m.group(1), m.group(2)));
        }
        if ((m = CONFIRM_MODE.matcher(path)).matches() && method.equals("PUT")) {
            JsonNode automatic = json(body).path("automatic");
            if (!automatic.isBoolean()) {
                return new HttpGateway.Reply(400, JSON.createObjectNode().put("message", "body must be {\"automatic\": true|false}"));
            }
            world.confirmAutomatically(m.group(1), automatic.asBoolean());
            return new HttpGateway.Reply(204, JSON.createObjectNode());
        }
        if ((m = RECEIVED_TODAY.matcher(path)).matches() && method.equals("POST")) {
            world.receivedMassMessageToday(m.group(1));
            return new HttpGateway.Reply(204, JSON.createObjectNode());
        }
        if ((m = JOIN.matcher(path)).matches() && method.equals("PUT")) {
            world.putPendingJoin(m.group(1), m.group(2), json(body));
            return new HttpGateway.Reply(204, JSON.createObjectNode());
        }
        if ((m = GROUP.matcher(path)).matches() && method.equals("PUT")) {
            return ok(world.putGroup(m.group(1), json(body)));
        }
        if ((m = CUSTOMER.matcher(path)).matches()) {
            if (method.equals("PUT")) {
                return ok(world.putCustomer(m.group(1), json(body)));
            }
            if (method.equals("GET")) {
                try {
                    return ok(world.getCustomerView(m.group(1)));
                } catch (RuntimeException e) {
                    return new HttpGateway.Reply(404, JSON.createObjectNode().put("message", e.getMessage()));
                }
            }
        }
        return new HttpGateway.Reply(404, JSON.createObjectNode().put("message", "no control route " + method + " " + path));
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            if (!node.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getMessage());
        }
    }

    private static HttpGateway.Reply ok(JsonNode body) {
        return new HttpGateway.Reply(200, body);
    }
}
