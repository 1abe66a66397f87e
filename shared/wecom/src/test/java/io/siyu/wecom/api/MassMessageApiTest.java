package io.siyu.wecom.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.wecom.api.ExternalContactApi.Attachment;
import io.siyu.wecom.api.MassMessageApi.ChatType;
import io.siyu.wecom.api.MassMessageApi.MessageTemplate;
import io.siyu.testing.Fixtures;
import io.siyu.testing.WeComServer;
import io.siyu.testing.WeComStub;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MassMessageApiTest {

    /** The documented reply (wecom-api.md §9). */
    private static final String REPLY = "{\"errcode\":0,\"errmsg\":\"ok\",\"fail_list\":[\"wmqfasd1e1927831123109rBAAAA\"],"
            + "\"msgid\":\"msgGCAAAXtWyujaWJHDDGi0mAAAA\"}";

    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final WeComServer WECOM = new WeComServer();

    private WeComStub wecom;
    private MassMessageApi api;

    @BeforeEach
    void setUp() {
        wecom = WECOM.stub();
        api = new MassMessageApi(WeComClient.create(WECOM.baseUri(), "ww1", () -> "secret", Duration.ofMillis(800)));
    }

    @Test
    void aCustomerTaskHasWeComsShapeAndReadsMsgidAndFailList() throws Exception {
        wecom.ok("externalcontact/add_msg_template", REPLY);
        var result = api.addMessageTemplate(new MessageTemplate(ChatType.SINGLE, "zhangsan",
                List.of("woAJ2GCAAAXtWyujaWJHDDGi0mAAAA", "wmqfasd1e1927831123109rBAAAA"), "文本消息内容",
                List.of(Attachment.image("MEDIA_ID"), Attachment.link("消息标题", "https://example.com", "https://example.com/p.png", "消息描述"),
                        Attachment.miniprogram("消息标题", "MEDIA_ID", "wx8bd80126147dfAAA", "/path/index.html"))));
        assertThat(result.msgId()).isEqualTo("msgGCAAAXtWyujaWJHDDGi0mAAAA");
        assertThat(result.failList()).containsExactly("wmqfasd1e1927831123109rBAAAA");
        assertThat(wecom.requests("externalcontact/add_msg_template").get(0).queryParameter("access_token").firstValue())
                .isEqualTo(WeComStub.ACCESS_TOKEN);
        var body = wecom.bodies("externalcontact/add_msg_template").get(0);
        assertThat(body.path("chat_type").asText()).isEqualTo("single");
        assertThat(body.path("sender").asText()).isEqualTo("zhangsan");
        assertThat(body.path("external_userid")).hasSize(2);
        assertThat(body.has("chat_id_list")).isFalse();
        assertThat(body.path("text").path("content").asText()).isEqualTo("文本消息内容");
        assertThat(body.path("attachments")).as("JSON equality, key order aside").isEqualTo(JSON.readTree("[{\"msgtype\":\"image\",\"image\":{\"media_id\":\"MEDIA_ID\"}},"
                + "{\"msgtype\":\"link\",\"link\":{\"title\":\"消息标题\",\"url\":\"https://example.com\",\"picurl\":\"https://example.com/p.png\",\"desc\":\"消息描述\"}},"
                + "{\"msgtype\":\"miniprogram\",\"miniprogram\":{\"title\":\"消息标题\",\"pic_media_id\":\"MEDIA_ID\",\"appid\":\"wx8bd80126147dfAAA\",\"page\":\"/path/index.html\"}}]"));
    }

    @Test
    void aGroupTaskNamesChatsAndTheSender() {
        wecom.ok("externalcontact/add_msg_template", "{\"errcode\":0,\"errmsg\":\"ok\",\"fail_list\":[],\"msgid\":\"msgGROUP\"}");
        var result = api.addMessageTemplate(new MessageTemplate(ChatType.GROUP, "zhangsan", List.of("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"), "hi", List.of()));
        assertThat(result.failList()).isEmpty();
        assertThat(wecom.bodies("externalcontact/add_msg_template").get(0).toString())
                .isEqualTo("{\"chat_type\":\"group\",\"chat_id_list\":[\"wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA\"],\"sender\":\"zhangsan\",\"text\":{\"content\":\"hi\"}}");
    }

    @Test
    void theDocumentedMaximumsAreAcceptedAndOneMoreIsRefusedBeforeAnyCall() {
        wecom.ok("externalcontact/add_msg_template", REPLY);
        api.addMessageTemplate(new MessageTemplate(ChatType.SINGLE, "u", ids(10_000), "x", List.of()));
        api.addMessageTemplate(new MessageTemplate(ChatType.GROUP, "u", ids(2_000), "x", List.of()));
        assertThat(wecom.bodies("externalcontact/add_msg_template").get(0).path("external_userid")).hasSize(10_000);
        assertThat(wecom.bodies("externalcontact/add_msg_template").get(1).path("chat_id_list")).hasSize(2_000);

        assertThatThrownBy(() -> new MessageTemplate(ChatType.SINGLE, "u", ids(10_001), "x", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageTemplate(ChatType.GROUP, "u", ids(2_001), "x", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageTemplate(ChatType.SINGLE, "u", List.of(), "x", List.of()))
                .as("an empty list would mean all of the sender's customers").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageTemplate(ChatType.SINGLE, "", ids(1), "x", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageTemplate(ChatType.SINGLE, "u", ids(1), "字".repeat(1334), List.of()))
                .as("4,002 bytes").isInstanceOf(IllegalArgumentException.class);
        new MessageTemplate(ChatType.SINGLE, "u", ids(1), "字".repeat(1333), List.of());
        assertThatThrownBy(() -> new MessageTemplate(ChatType.SINGLE, "u", ids(1), "x",
                IntStream.range(0, 10).mapToObj(i -> Attachment.image("m" + i)).toList())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageTemplate(ChatType.SINGLE, "u", ids(1), "", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(wecom.calls("externalcontact/add_msg_template")).isEqualTo(2);
    }

    @Test
    void frequencyLimitsAreRateLimited() {
        wecom.error("externalcontact/add_msg_template", 45009, "api freq out of limit");
        assertThatThrownBy(() -> api.addMessageTemplate(new MessageTemplate(ChatType.SINGLE, "u", ids(3), "x", List.of())))
                .isInstanceOfSatisfying(WeComException.RateLimited.class, e -> assertThat(e.errcode()).isEqualTo(45009));
    }

    @Test
    void aRefusedRequestIsNotRetryable() {
        wecom.error("externalcontact/add_msg_template", 41048, "no sendable customer");
        assertThatThrownBy(() -> api.addMessageTemplate(new MessageTemplate(ChatType.SINGLE, "u", ids(3), "x", List.of())))
                .isInstanceOfSatisfying(WeComException.class, e -> {
                    assertThat(e).isNotInstanceOf(WeComException.NoAnswer.class);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void aPostWithoutAnAnswerMayHaveTakenEffect() {
        wecom.server().stubFor(any(urlPathEqualTo("/cgi-bin/externalcontact/add_msg_template")).willReturn(aResponse().withStatus(502)));
        assertThatThrownBy(() -> api.addMessageTemplate(new MessageTemplate(ChatType.SINGLE, "u", ids(3), "x", List.of())))
                .isInstanceOf(WeComException.NoAnswer.class);
        wecom.server().stubFor(any(urlPathEqualTo("/cgi-bin/externalcontact/add_msg_template"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(2000).withBody(REPLY)));
        assertThatThrownBy(() -> api.addMessageTemplate(new MessageTemplate(ChatType.SINGLE, "u", ids(3), "x", List.of())))
                .isInstanceOf(WeComException.NoAnswer.class);
    }

    @Test
    void aTokenFetchWithoutAnAnswerOrAConnectionRefusedSentNothing() throws Exception {
        wecom.server().stubFor(any(urlPathEqualTo("/cgi-bin/gettoken")).willReturn(aResponse().withStatus(502)));
        assertThatThrownBy(() -> api.addMessageTemplate(new MessageTemplate(ChatType.SINGLE, "u", ids(3), "x", List.of())))
                .isInstanceOfSatisfying(WeComException.class, e -> {
                    assertThat(e).isNotInstanceOf(WeComException.NoAnswer.class);
                    assertThat(e.api()).isEqualTo("gettoken");
                });
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        var unreachable = new MassMessageApi(WeComClient.create(URI.create("http://127.0.0.1:" + closedPort), "ww1", () -> "s",
                Duration.ofMillis(800)));
        assertThatThrownBy(() -> unreachable.addMessageTemplate(new MessageTemplate(ChatType.SINGLE, "u", ids(3), "x", List.of())))
                .isInstanceOfSatisfying(WeComException.class, e -> {
                    assertThat(e).isNotInstanceOf(WeComException.NoAnswer.class);
                    assertThat(e.retryable()).isTrue();
                });
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> String.format("wm%026d", i)).toList();
    }

    @Test
    void taskPagesAskForTheMaximumFollowTheCursorAndTreatAnyNonZeroStatusAsConfirmed() {
        wecom.ok("externalcontact/get_groupmsg_task", Fixtures.text("wecom/api/get_groupmsg_task.json"));
        var page = api.groupMessageTasks("msgGCAAAXtWyujaWJHDDGi0mAAAA", null);
        assertThat(page.tasks()).containsExactly(new MassMessageApi.MemberTask("zhangyisheng", 1, 1552536375L));
        assertThat(page.tasks().get(0).confirmed()).isTrue();
        assertThat(new MassMessageApi.MemberTask("lisi", 0, 0).confirmed()).isFalse();
        assertThat(page.nextCursor()).isEqualTo("CURSOR");
        api.groupMessageTasks("msgGCAAAXtWyujaWJHDDGi0mAAAA", "CURSOR");
        var bodies = wecom.bodies("externalcontact/get_groupmsg_task");
        assertThat(bodies.get(0).path("msgid").asText()).isEqualTo("msgGCAAAXtWyujaWJHDDGi0mAAAA");
        assertThat(bodies.get(0).path("limit").asInt()).isEqualTo(1000);
        assertThat(bodies.get(0).has("cursor")).isFalse();
        assertThat(bodies.get(1).path("cursor").asText()).isEqualTo("CURSOR");
    }

    @Test
    void sendResultsNameTheSenderAndReadBothRecipientKinds() {
        wecom.ok("externalcontact/get_groupmsg_send_result", Fixtures.text("wecom/api/get_groupmsg_send_result.json"));
        var page = api.groupMessageSendResults("msgGCAAAXtWyujaWJHDDGi0mAAAA", "zhangsan", "");
        var row = page.results().get(0);
        assertThat(row.recipient(ChatType.SINGLE)).isEqualTo("wmqfasd1e19278asdasAAAA");
        assertThat(row.recipient(ChatType.GROUP)).isEqualTo("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA");
        assertThat(row.status()).isEqualTo(MassMessageApi.SendResult.SENT);
        assertThat(page.nextCursor()).isEqualTo("CURSOR");
        var body = wecom.bodies("externalcontact/get_groupmsg_send_result").get(0);
        assertThat(body.path("userid").asText()).isEqualTo("zhangsan");
        assertThat(body.path("limit").asInt()).isEqualTo(1000);
    }

    @Test
    void stillDispatchingIsRetryableAndARemindOverTheLimitIsNot() {
        wecom.error("externalcontact/get_groupmsg_send_result", 41063, "msg is sending");
        assertThatThrownBy(() -> api.groupMessageSendResults("m1", "zhangsan", null)).isInstanceOfSatisfying(WeComException.class,
                e -> assertThat(e.errcode()).isEqualTo(MassMessageApi.STILL_DISPATCHING));
        wecom.error("externalcontact/remind_groupmsg_send", 41094, "remind over limit");
        assertThatThrownBy(() -> api.remind("m1")).isInstanceOfSatisfying(WeComException.class, e -> {
            assertThat(e.errcode()).isEqualTo(MassMessageApi.REMIND_OVER_LIMIT);
            assertThat(e.retryable()).isFalse();
        });
    }

    @Test
    void remindAndCancelPostTheMsgid() {
        wecom.ok("externalcontact/remind_groupmsg_send").ok("externalcontact/cancel_groupmsg_send");
        api.remind("m1");
        api.cancel("m2");
        assertThat(wecom.bodies("externalcontact/remind_groupmsg_send").get(0).path("msgid").asText()).isEqualTo("m1");
        assertThat(wecom.bodies("externalcontact/cancel_groupmsg_send").get(0).path("msgid").asText()).isEqualTo("m2");
    }
}
