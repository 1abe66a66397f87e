package io.siyu.wecom.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.testing.WeComServer;
import io.siyu.testing.WeComStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WeComClientTest {

    private static final String ADD_WAY_REPLY = "{\"errcode\":0,\"errmsg\":\"ok\",\"config_id\":\"42b34949e138eb6e027c123cba77fAAA\","
            + "\"qr_code\":\"http://p.qpic.cn/wwhead/duc2TvpEgSdicZ9RrdUtBkv2UiaA/0\"}";

    @RegisterExtension
    static final WeComServer WECOM = new WeComServer();

    private WeComStub wecom;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T04:00:00Z"));
    private final AtomicReference<String> secret = new AtomicReference<>("secret-1");
    private WeComClient client;

    @BeforeEach
    void setUp() {
        wecom = WECOM.stub();
        client = clientWithTimeout(Duration.ofSeconds(10));
    }

    private WeComClient clientWithTimeout(Duration timeout) {
        Clock clock = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now.get(); }
        };
        return new WeComClient(WECOM.baseUri(), "ww1", secret::get,
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), clock, timeout);
    }

    private ExternalContactApi api() {
        return new ExternalContactApi(client);
    }

    @Test
    void theTokenIsFetchedOnceAndSentInTheQueryNeverTheBody() {
        wecom.ok("externalcontact/add_contact_way", ADD_WAY_REPLY);
        for (int i = 0; i < 3; i++) {
            var way = api().addContactWay(new ExternalContactApi.ContactWayRequest(false, List.of("zhangsan"), true, "c_1", null));
            assertThat(way.configId()).isEqualTo("42b34949e138eb6e027c123cba77fAAA");
        }
        assertThat(wecom.calls("gettoken")).isEqualTo(1);
        assertThat(wecom.requests("gettoken").get(0).queryParameter("corpid").firstValue()).isEqualTo("ww1");
        assertThat(wecom.requests("gettoken").get(0).queryParameter("corpsecret").firstValue()).isEqualTo("secret-1");
        assertThat(wecom.requests("externalcontact/add_contact_way")).allSatisfy(r -> {
            assertThat(r.queryParameter("access_token").firstValue()).isEqualTo(WeComStub.ACCESS_TOKEN);
            assertThat(r.getBodyAsString()).doesNotContain("access_token");
        });
        assertThat(wecom.bodies("externalcontact/add_contact_way").get(0).toString())
                .isEqualTo("{\"skip_verify\":true,\"state\":\"c_1\",\"user\":[\"zhangsan\"],\"type\":1,\"scene\":2}");
    }

    @Test
    void anExpiredTokenIsRefreshedOnceAndTheCallRepeatedOnce() {
        wecom.sequence("externalcontact/add_contact_way",
                "{\"errcode\":42001,\"errmsg\":\"access_token expired\"}", ADD_WAY_REPLY);
        assertThat(api().addContactWay(new ExternalContactApi.ContactWayRequest(true, List.of("a", "b"), false, "c_2", null))
                .qrCode()).startsWith("http://p.qpic.cn/");
        assertThat(wecom.calls("gettoken")).isEqualTo(2);
        assertThat(wecom.calls("externalcontact/add_contact_way")).isEqualTo(2);
    }

    @Test
    void aTokenRejectedTwiceIsAnErrorNotALoop() {
        wecom.error("externalcontact/mark_tag", 40014, "invalid access_token");
        assertThatThrownBy(() -> api().markTag("u", "wm", List.of("et1"), List.of()))
                .isInstanceOfSatisfying(WeComException.class, e -> {
                    assertThat(e.errcode()).isEqualTo(40014);
                    assertThat(e.api()).isEqualTo("externalcontact/mark_tag");
                });
        assertThat(wecom.calls("externalcontact/mark_tag")).isEqualTo(2);
        assertThat(wecom.calls("gettoken")).isEqualTo(2);
    }

    @Test
    void theTokenIsRefetchedBeforeItExpires() {
        wecom.ok("externalcontact/mark_tag");
        api().markTag("u", "wm", List.of("et1"), List.of());
        now.set(now.get().plusSeconds(7200 - 299)); // within the 5-minute margin
        api().markTag("u", "wm", List.of("et1"), List.of());
        assertThat(wecom.calls("gettoken")).isEqualTo(2);
    }

    @Test
    void aRotatedSecretGetsANewToken() {
        wecom.ok("externalcontact/mark_tag");
        api().markTag("u", "wm", List.of("et1"), List.of());
        secret.set("secret-2");
        api().markTag("u", "wm", List.of("et1"), List.of());
        assertThat(wecom.requests("gettoken")).extracting(r -> r.queryParameter("corpsecret").firstValue())
                .containsExactly("secret-1", "secret-2");
    }

    @Test
    void frequencyLimitsAreTypedAndRetryable() {
        for (int code : new int[] {45009, 45033}) {
            wecom.error("externalcontact/mark_tag", code, "api freq out of limit");
            assertThatThrownBy(() -> api().markTag("u", "wm", List.of("et1"), List.of()))
                    .isInstanceOfSatisfying(WeComException.RateLimited.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.errcode()).isEqualTo(code);
                    });
        }
    }

    @Test
    void requestErrorsAreTypedAndNotRetryable() {
        wecom.error("externalcontact/send_welcome_msg", 41050, "invalid welcome code");
        assertThatThrownBy(() -> api().sendWelcomeMessage("CODE", "hi", List.of()))
                .isInstanceOfSatisfying(WeComException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.errcode()).isEqualTo(41050);
                    assertThat(e.getMessage()).contains("invalid welcome code");
                });
    }

    @Test
    void aWrongSecretIsAConfigurationErrorFromGettoken() {
        wecom.server().resetAll();
        wecom.ok("gettoken", "{\"errcode\":40001,\"errmsg\":\"invalid credential\"}");
        assertThatThrownBy(() -> api().markTag("u", "wm", List.of("et1"), List.of()))
                .isInstanceOfSatisfying(WeComException.class, e -> {
                    assertThat(e.api()).isEqualTo("gettoken");
                    assertThat(e.errcode()).isEqualTo(40001);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void http500AndGarbageAndSlownessAreRetryableUnavailability() {
        wecom.server().stubFor(any(urlPathEqualTo("/cgi-bin/externalcontact/mark_tag")).willReturn(aResponse().withStatus(502)));
        assertUnavailable();
        wecom.server().stubFor(any(urlPathEqualTo("/cgi-bin/externalcontact/mark_tag")).willReturn(aResponse().withStatus(200).withBody("<html>")));
        assertUnavailable();
        // A reply slower than the call's timeout (a short one here; production gives seconds).
        client = clientWithTimeout(Duration.ofMillis(300));
        wecom.server().stubFor(any(urlPathEqualTo("/cgi-bin/externalcontact/mark_tag"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(5000).withBody("{\"errcode\":0}")));
        assertUnavailable();
    }

    private void assertUnavailable() {
        assertThatThrownBy(() -> api().markTag("u", "wm", List.of("et1"), List.of()))
                .isInstanceOfSatisfying(WeComException.class, e -> {
                    assertThat(e.errcode()).isEqualTo(WeComException.UNAVAILABLE);
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void anEmptyTagChangeMakesNoCall() {
        api().markTag("u", "wm", List.of(), List.of());
        assertThat(wecom.calls("externalcontact/mark_tag")).isZero();
        assertThat(wecom.calls("gettoken")).isZero();
    }

    @Test
    void readsTheDocumentedCustomerDetailAcrossCursorPages() {
        wecom.sequence("externalcontact/get",
                "{\"errcode\":0,\"errmsg\":\"ok\",\"external_contact\":{\"external_userid\":\"woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA\","
                        + "\"name\":\"李四\",\"type\":1,\"gender\":1,\"unionid\":\"ozynqsulJFCZ2z1aYeS8h-nuasdAAA\"},"
                        + "\"follow_user\":[{\"userid\":\"rocky\",\"remark\":\"李部长\",\"createtime\":1525779812,"
                        + "\"tags\":[{\"group_name\":\"标签分组名称\",\"tag_name\":\"标签名称\",\"tag_id\":\"etAJ2GCAAAXtWyujaWJHDDGi0mACHAAA\",\"type\":1},"
                        + "{\"group_name\":\"个人\",\"tag_name\":\"个人标签\",\"type\":2}],\"add_way\":1,\"state\":\"c_7\"}],"
                        + "\"next_cursor\":\"NEXT\"}",
                "{\"errcode\":0,\"errmsg\":\"ok\",\"external_contact\":{\"external_userid\":\"woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA\","
                        + "\"name\":\"李四\",\"type\":1},\"follow_user\":[{\"userid\":\"tommy\",\"createtime\":1525881637,\"add_way\":3}],"
                        + "\"next_cursor\":\"\"}");
        var contact = api().getExternalContact("woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA");
        assertThat(contact.name()).isEqualTo("李四");
        assertThat(contact.unionId()).isEqualTo("ozynqsulJFCZ2z1aYeS8h-nuasdAAA");
        assertThat(contact.followUsers()).extracting(ExternalContactApi.FollowUser::userId).containsExactly("rocky", "tommy");
        assertThat(contact.followUsers().get(0).tagIds()).containsExactly("etAJ2GCAAAXtWyujaWJHDDGi0mACHAAA");
        assertThat(contact.followUsers().get(0).state()).isEqualTo("c_7");
        assertThat(wecom.requests("externalcontact/get").get(1).queryParameter("cursor").firstValue()).isEqualTo("NEXT");
    }

    @Test
    void welcomeMessageBodyHasWeComsShape() {
        wecom.ok("externalcontact/send_welcome_msg");
        api().sendWelcomeMessage("CALLBACK_CODE", "欢迎",
                List.of(ExternalContactApi.Attachment.link("t", "https://x/", "https://x/p.png", "d")));
        assertThat(wecom.bodies("externalcontact/send_welcome_msg").get(0).toString()).isEqualTo(
                "{\"welcome_code\":\"CALLBACK_CODE\",\"text\":{\"content\":\"欢迎\"},\"attachments\":[{\"msgtype\":\"link\","
                        + "\"link\":{\"title\":\"t\",\"url\":\"https://x/\",\"picurl\":\"https://x/p.png\",\"desc\":\"d\"}}]}");
    }

    @Test
    void getRequestsCarryTheirQuery() {
        wecom.ok("externalcontact/get", "{\"errcode\":0,\"errmsg\":\"ok\",\"external_contact\":{},\"follow_user\":[]}");
        client.get("/cgi-bin/externalcontact/get", Map.of("external_userid", "wm 1&x"));
        assertThat(wecom.requests("externalcontact/get").get(0).queryParameter("external_userid").firstValue()).isEqualTo("wm 1&x");
    }
}
