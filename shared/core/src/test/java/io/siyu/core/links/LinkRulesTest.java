package io.siyu.core.links;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinkRulesTest {

    @Test
    void codesAreTenBase62CharactersAndDeterministic() {
        String code = LinkCodes.code("ww1", "sop", "step", "zhangsan", "https://a.example/");
        assertThat(code).matches("[0-9A-Za-z]{10}").isEqualTo(LinkCodes.code("ww1", "sop", "step", "zhangsan", "https://a.example/"));
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            codes.add(LinkCodes.code("ww1", "sop", "step", "sender" + i, "https://a.example/"));
        }
        assertThat(codes).hasSize(20_000);
    }

    @Test
    void onlyTenLettersAndDigitsAreWellFormed() {
        assertThat(LinkCodes.isWellFormed("3kTMd8Qx2b")).isTrue();
        for (String bad : List.of("", "3kTMd8Qx2", "3kTMd8Qx2bb", "../x", "%00", "3kTMd8Qx2-", "３kTMd8Qx2b", "ÄkTMd8Qx2b")) {
            assertThat(LinkCodes.isWellFormed(bad)).as(bad).isFalse();
        }
        assertThat(LinkCodes.isWellFormed(null)).isFalse();
    }

    @Test
    void httpUrls() {
        for (String ok : List.of("https://a.example", "http://a.example/p?q=1#f", "HTTPS://A.EXAMPLE/x")) {
            assertThat(HttpUrls.isHttpUrl(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("", "ftp://a.example/", "javascript:alert(1)", "//a.example/", "https://", "https:///x",
                "https://a.example/ x", "https://a.example/\nx", "https://user:pw@a.example/", "data:text/html,x",
                "https://a.example/" + "x".repeat(2048))) {
            assertThat(HttpUrls.isHttpUrl(bad)).as(bad).isFalse();
        }
    }

    @Test
    void urlsInText() {
        String text = "看https://a.cn/x。还有 http://b.cn/y, and (https://c.cn/z). 和 https://d.cn/路径";
        List<String> found = new ArrayList<>();
        HttpUrls.inText(text, (s, e) -> found.add(text.substring(s, e)));
        assertThat(found).containsExactly("https://a.cn/x", "http://b.cn/y", "https://c.cn/z", "https://d.cn/路径");
    }

    @Test
    void otherSchemesInText() {
        assertThat(HttpUrls.otherScheme("see https://a.cn and http://b.cn")).isNull();
        assertThat(HttpUrls.otherScheme("see ftp://a.cn")).isEqualTo("ftp");
        assertThat(HttpUrls.otherScheme("点这里javascript:alert(1)")).isEqualTo("javascript");
        assertThat(HttpUrls.otherScheme("data:text/html;base64,xx")).isEqualTo("data");
        assertThat(HttpUrls.otherScheme("the data: 5 items; note: ok")).isNull();
    }

    @Test
    void theBotRule() {
        assertThat(UserAgents.isBot(null)).isTrue();
        assertThat(UserAgents.isBot(" ")).isTrue();
        assertThat(UserAgents.isBot("facebookexternalhit/1.1")).isTrue();
        assertThat(UserAgents.isBot("Slackbot-LinkExpanding 1.0")).isTrue();
        assertThat(UserAgents.isBot("curl/8.5.0")).isTrue();
        assertThat(UserAgents.isBot("Mozilla/5.0 (iPhone) Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI")).isFalse();
        assertThat(UserAgents.isBot("Mozilla/5.0 (Windows NT 10.0) wxwork/4.1.22 MicroMessenger/7.0.1")).isFalse();
        assertThat(UserAgents.isBot("Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile Safari/537.36")).isFalse();
    }

    @Test
    void visitorKeysDependOnCodeCookieAndDayAndHideTheCookie() {
        String cookie = Visitors.newId();
        assertThat(Visitors.isWellFormed(cookie)).isTrue();
        LocalDate day = LocalDate.of(2026, 11, 23);
        String key = Visitors.key("3kTMd8Qx2b", cookie, day);
        assertThat(key).matches("[0-9a-f]{64}").doesNotContain(cookie);
        assertThat(Visitors.key("3kTMd8Qx2b", cookie, day.plusDays(1))).isNotEqualTo(key);
        assertThat(Visitors.key("3kTMd8Qx2c", cookie, day)).isNotEqualTo(key);
        assertThat(Visitors.isWellFormed("<script>")).isFalse();
    }
}
