package io.siyu.bench.sop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.siyu.emulators.JdkHttpServers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WeCom's mass-message API at benchmark scale, with state (wecom-api.md §9): add_msg_template
 * creates a task with its own msgid, every sender has confirmed it, and get_groupmsg_send_result
 * pages through the task's recipients with a fixed outcome per recipient ({@link #outcome}), so
 * the benchmark can compute the truth independently of what Siyu reports. Counts every call and
 * the page sizes asked for. The WireMock stub of the tests would journal every request and
 * answer one fixed msgid; this one answers like WeCom for thousands of calls.
 */
final class MassMessagingWeCom implements AutoCloseable {

    static final String CREATE = "add_msg_template";
    static final String TASKS = "get_groupmsg_task";
    static final String RESULTS = "get_groupmsg_send_result";

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Task(String sender, List<String> recipients, long createdAt) {}

    private final HttpServer server;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Set<Integer> limitsAsked = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextMsgid = new AtomicLong();

    private MassMessagingWeCom(HttpServer server) {
        this.server = server;
    }

    static MassMessagingWeCom start() throws IOException {
        HttpServer server = JdkHttpServers.create(new InetSocketAddress("127.0.0.1", 0), 0);
        MassMessagingWeCom wecom = new MassMessagingWeCom(server);
        server.createContext("/cgi-bin/", wecom::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        return wecom;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** WeCom's outcome for a recipient: 1 sent (85 %), 3 skipped by the daily limit (10 %), 2 not a friend (5 %). */
    static int outcome(String externalUserId) {
        int bucket = Math.floorMod(externalUserId.hashCode() * 31 + 7, 100);
        return bucket < 85 ? 1 : bucket < 95 ? 3 : 2;
    }

    long calls(String api) {
        AtomicLong n = calls.get(api);
        return n == null ? 0 : n.get();
    }

    Set<Integer> limitsAsked() {
        return Set.copyOf(limitsAsked);
    }

    /** Per task, its recipients: the minimum number of pages to read them is derived from these. */
    List<Integer> taskSizes() {
        return tasks.values().stream().map(t -> t.recipients().size()).toList();
    }

    /** How many recipients of all tasks WeCom gives {@code status}. */
    long recipientsWith(int status) {
        return tasks.values().stream().flatMap(t -> t.recipients().stream()).filter(id -> outcome(id) == status).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String api = path.substring(path.lastIndexOf('/') + 1);
        calls.computeIfAbsent(api, k -> new AtomicLong()).incrementAndGet();
        ObjectNode reply;
        try {
            JsonNode body = exchange.getRequestMethod().equals("POST") ? JSON.readTree(exchange.getRequestBody()) : JSON.createObjectNode();
            reply = switch (api) {
                case "gettoken" -> ok().put("access_token", "benchtoken").put("expires_in", 7200);
                case CREATE -> create(body);
                case TASKS -> tasks(body);
                case RESULTS -> results(body);
                default -> error(404, "not played here: " + api);
            };
        } catch (RuntimeException e) {
            reply = error(40001, e.toString());
        }
        byte[] bytes = JSON.writeValueAsBytes(reply);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private ObjectNode create(JsonNode body) {
        List<String> recipients = new ArrayList<>();
        body.path("external_userid").forEach(id -> recipients.add(id.asText()));
        String msgid = "msgBench" + nextMsgid.incrementAndGet();
        tasks.put(msgid, new Task(body.path("sender").asText(), recipients, System.currentTimeMillis() / 1000));
        ObjectNode reply = ok().put("msgid", msgid);
        reply.putArray("fail_list");
        return reply;
    }

    private ObjectNode tasks(JsonNode body) {
        Task task = task(body);
        if (task == null) {
            return error(41063, "unknown msgid");
        }
        limitsAsked.add(body.path("limit").asInt(500));
        ObjectNode reply = ok().put("next_cursor", "");
        reply.putArray("task_list").addObject().put("userid", task.sender()).put("status", 2).put("send_time", task.createdAt() + 60);
        return reply;
    }

    private ObjectNode results(JsonNode body) {
        Task task = task(body);
        if (task == null) {
            return error(41063, "unknown msgid");
        }
        int limit = Math.min(1000, body.path("limit").asInt(1000));
        limitsAsked.add(body.path("limit").asInt(0));
        String cursor = body.path("cursor").asText("");
        int from = cursor.isEmpty() ? 0 : Integer.parseInt(cursor);
        int to = Math.min(task.recipients().size(), from + limit);
        ObjectNode reply = ok().put("next_cursor", to < task.recipients().size() ? Integer.toString(to) : "");
        ArrayNode list = reply.putArray("send_list");
        for (String id : task.recipients().subList(from, to)) {
            int status = outcome(id);
            ObjectNode row = list.addObject().put("external_userid", id).put("userid", task.sender()).put("status", status);
            if (status == 1) {
                row.put("send_time", task.createdAt() + 60);
            }
        }
        return reply;
    }

    private Task task(JsonNode body) {
        return tasks.get(body.path("msgid").asText());
    }

    private static ObjectNode ok() {
        return JSON.createObjectNode().put("errcode", 0).put("errmsg", "ok");
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("errcode", code).put("errmsg", message);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
