package io.siyu.local.wecom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.siyu.local.wecom.WeComWorld.WeComError;
import java.io.IOException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The WeCom server API ({@code https://qyapi.weixin.qq.com/cgi-bin/...}) played by WireMock over a
 * {@link WeComWorld}: gettoken checks the corp id and secret and issues tokens the other calls must
 * carry ({@code access_token} in the query: 41001 when missing, 40014 when unknown); each API
 * answers with its documented fields, or with the errcode WeCom documents for the case. An API the
 * stub does not model answers HTTP 404 with errcode 40058, so a missing piece is loud.
 */
public final class WeComSimulator implements ResponseDefinitionTransformerV2 {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Api(String method, Function<Call, ObjectNode> handler) {}

    /** One request, as the handlers need it. */
    private record Call(Request request, JsonNode body) {
        String query(String name) {
            QueryParameter p = request.queryParameter(name);
            return p.isPresent() ? p.firstValue() : null;
        }
    }

    private final WeComWorld world;
    private final String corpId;
    private final String secret;
    private final Map<String, Api> apis = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();
    private WireMockServer server;

    public WeComSimulator(String corpId, String secret, Clock clock, boolean autoConfirmMassMessages) {
        this.world = new WeComWorld(clock, autoConfirmMassMessages);
        this.corpId = corpId;
        this.secret = secret;
        String ec = "externalcontact/";
        api("GET", ec + "get", c -> world.getCustomer(c.query("external_userid")));
        api("GET", ec + "list", c -> world.listCustomersOf(c.query("userid")));
        api("POST", ec + "batch/get_by_user", c -> world.batchGetByUser(c.body()));
        api("POST", ec + "add_contact_way", c -> world.addContactWay(c.body()));
        api("POST", ec + "get_contact_way", c -> world.getContactWay(c.body()));
        api("POST", ec + "update_contact_way", c -> world.updateContactWay(c.body()));
        api("POST", ec + "del_contact_way", c -> world.deleteContactWay(c.body()));
        api("POST", ec + "list_contact_way", c -> world.listContactWays(c.body()));
        api("POST", ec + "send_welcome_msg", c -> world.sendWelcomeMessage(c.body()));
        api("POST", ec + "get_corp_tag_list", c -> world.corpTags(c.body()));
        api("POST", ec + "add_corp_tag", c -> world.addCorpTags(c.body()));
        api("POST", ec + "edit_corp_tag", c -> world.editCorpTag(c.body()));
        api("POST", ec + "del_corp_tag", c -> world.deleteCorpTags(c.body()));
        api("POST", ec + "mark_tag", c -> world.markTag(c.body()));
        api("POST", ec + "groupchat/list", c -> world.listGroups(c.body()));
        api("POST", ec + "groupchat/get", c -> world.getGroup(c.body()));
        api("POST", ec + "groupchat/add_join_way", c -> world.addJoinWay(c.body()));
        api("POST", ec + "groupchat/get_join_way", c -> world.getJoinWay(c.body()));
        api("POST", ec + "groupchat/update_join_way", c -> world.updateJoinWay(c.body()));
        api("POST", ec + "groupchat/del_join_way", c -> world.deleteJoinWay(c.body()));
        api("POST", ec + "add_msg_template", c -> world.addMessageTemplate(c.body()));
        api("POST", ec + "get_groupmsg_task", c -> world.groupMessageTasks(c.body()));
        api("POST", ec + "get_groupmsg_send_result", c -> world.groupMessageSendResults(c.body()));
        api("POST", ec + "cancel_groupmsg_send", c -> world.cancelGroupMessage(c.body()));
        api("POST", ec + "remind_groupmsg_send", c -> world.remindGroupMessage(c.body()));
    }

    private void api(String method, String path, Function<Call, ObjectNode> handler) {
        apis.put(path, new Api(method, handler));
    }

    /** Starts WireMock on {@code port} (0: any free port) on the loopback interface. */
    public WeComSimulator start(int port) {
        server = new WireMockServer(WireMockConfiguration.options().port(port).bindAddress("127.0.0.1")
                .extensions(this).disableRequestJournal());
        server.start();
        server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse().withTransformers(getName())));
        world.imagesAt(server.baseUrl());
        return this;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public WeComWorld world() {
        return world;
    }

    /** How many times each API was called (gettoken included), for reports. */
    public Map<String, Integer> calls() {
        return new TreeMap<>(calls);
    }

    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Override
    public String getName() {
        return "wecom-simulator";
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        String path = request.getUrl().split("\\?", 2)[0];
        if (path.startsWith("/wwpic/") && request.getMethod().getName().equals("GET")) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                    .withHeader("Content-Type", "image/svg+xml").withHeader("Cache-Control", "max-age=86400")
                    .withBody(qrPicture(path)).build();
        }
        if (!path.startsWith("/cgi-bin/")) {
            return reply(404, WeComWorld.error(40058, "not a WeCom API path: " + path));
        }
        String name = path.substring("/cgi-bin/".length());
        calls.merge(name, 1, Integer::sum);
        Call call = new Call(request, null);
        if (name.equals("gettoken")) {
            return reply(200, token(call));
        }
        Api api = apis.get(name);
        if (api == null) {
            return reply(404, WeComWorld.error(40058, "API " + name + " is not modelled by the Siyu local WeCom stub"));
        }
        String token = call.query("access_token");
        if (token == null || token.isEmpty()) {
            return reply(200, WeComWorld.error(41001, "access_token missing"));
        }
        if (!tokens.contains(token)) {
            return reply(200, WeComWorld.error(40014, "invalid access_token"));
        }
        if (!api.method().equals(request.getMethod().getName())) {
            return reply(200, WeComWorld.error(40058, "use " + api.method() + " for " + name));
        }
        JsonNode body;
        try {
            String text = request.getBodyAsString();
            body = text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            if (!body.isObject()) {
                throw new IOException("not an object");
            }
        } catch (IOException e) {
            return reply(200, WeComWorld.error(40058, "Warning: wrong json format."));
        }
        try {
            return reply(200, api.handler().apply(new Call(request, body)));
        } catch (WeComError e) {
            return reply(200, WeComWorld.error(e.errcode, e.getMessage()));
        } catch (RuntimeException e) {
            return reply(200, WeComWorld.error(40058, "invalid parameter: " + e.getMessage()));
        }
    }

    /** wecom-api.md §3: the corp id and app secret must match; tokens live 7200 s. */
    private ObjectNode token(Call call) {
        if (!corpId.equals(call.query("corpid"))) {
            return WeComWorld.error(40013, "invalid corpid");
        }
        String given = call.query("corpsecret");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) {
            return WeComWorld.error(40001, "invalid secret");
        }
        String token = "local-" + UUID.randomUUID().toString().replace("-", "");
        tokens.add(token);
        return WeComWorld.ok().put("access_token", token).put("expires_in", 7200);
    }

    private static ResponseDefinition reply(int status, ObjectNode body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json; charset=UTF-8").withBody(body.toString()).build();
    }

    /**
     * The stub's picture for a code's qr_code URL: a QR-like pattern drawn from the URL (three
     * finder squares, modules from its SHA-256), labelled as the stub's. Not a scannable code; it
     * lets the console show and download an image with no internet.
     */
    static String qrPicture(String path) {
        byte[] bits;
        try {
            bits = java.security.MessageDigest.getInstance("SHA-256").digest(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        int n = 25;
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-2 -2 29 29\" width=\"290\" height=\"290\">"
                + "<title>WeCom stub QR " + path.replaceAll("[^A-Za-z0-9/_-]", "") + "</title><rect x=\"-2\" y=\"-2\" width=\"29\" height=\"29\" fill=\"#fff\"/>");
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                boolean finder = (x < 8 && y < 8) || (x >= n - 8 && y < 8) || (x < 8 && y >= n - 8);
                boolean on;
                if (finder) {
                    int fx = x >= n - 8 ? x - (n - 7) : x;
                    int fy = y >= n - 8 ? y - (n - 7) : y;
                    on = fx >= 0 && fx < 7 && fy >= 0 && fy < 7 && (fx == 0 || fx == 6 || fy == 0 || fy == 6 || (fx >= 2 && fx <= 4 && fy >= 2 && fy <= 4));
                } else {
                    int i = y * n + x;
                    on = ((bits[(i / 8) % bits.length] >> (i % 8)) & 1) == 1;
                }
                if (on) {
                    svg.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"1\" height=\"1\"/>");
                }
            }
        }
        return svg.append("</svg>").toString();
    }
}
