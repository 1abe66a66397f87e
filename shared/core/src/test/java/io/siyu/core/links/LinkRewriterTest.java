package io.siyu.core.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.core.sop.Content;
import io.siyu.core.sop.Content.Attachment;
import io.siyu.core.sop.RunId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkRewriterTest {

    private static final String BASE = "https://go.example.com";
    private static final RunId RUN = new RunId("ww1", "sop-1", "step-1", "2026-11-23T10:00");

    /** An in-memory registry that refuses another URL under a taken code, as the table does. */
    static final class Registry implements LinkRegistry {
        final Map<String, TrackedLink> links = new LinkedHashMap<>();
        final List<TrackedLink> calls = new ArrayList<>();

        @Override
        public void register(TrackedLink link) {
            calls.add(link);
            TrackedLink before = links.putIfAbsent(link.code(), link);
            if (before != null && !before.url().equals(link.url())) {
                throw new CodeTaken(link.code());
            }
        }

        Optional<String> url(String shortUrl) {
            return Optional.ofNullable(links.get(shortUrl.substring((BASE + "/l/").length()))).map(TrackedLink::url);
        }
    }

    private final Registry registry = new Registry();
    private final LinkRewriter rewriter = new LinkRewriter(BASE, registry);

    @Test
    void linkAttachmentsAndUrlsInTextBecomeShortLinksThatResolveToTheOriginals() {
        Content content = new Content("春季上新 https://shop.example.com/spring?a=1&b=2，详情见https://shop.example.com/faq。再见 (http://x.example.org/p).",
                List.of(new Attachment.Link("上新", "https://shop.example.com/spring?a=1&b=2", "https://img.example.com/p.png", "desc"),
                        new Attachment.Image(null, "https://img.example.com/i.png"),
                        new Attachment.MiniProgram("mp", "media", "wxapp", "pages/index")));

        Content out = rewriter.rewrite(RUN, "zhangsan", content);

        String spring = BASE + "/l/" + LinkCodes.code("ww1", "sop-1", "step-1", "zhangsan", "https://shop.example.com/spring?a=1&b=2");
        String faq = BASE + "/l/" + LinkCodes.code("ww1", "sop-1", "step-1", "zhangsan", "https://shop.example.com/faq");
        String p = BASE + "/l/" + LinkCodes.code("ww1", "sop-1", "step-1", "zhangsan", "http://x.example.org/p");
        assertThat(out.text()).isEqualTo("春季上新 " + spring + "，详情见" + faq + "。再见 (" + p + ").");
        assertThat(out.attachments().get(0)).isEqualTo(new Attachment.Link("上新", spring, "https://img.example.com/p.png", "desc"));
        assertThat(out.attachments().subList(1, 3)).as("images and mini-programs are not links")
                .isEqualTo(content.attachments().subList(1, 3));
        assertThat(registry.links).hasSize(3);
        assertThat(registry.url(spring)).contains("https://shop.example.com/spring?a=1&b=2");
        assertThat(registry.url(faq)).contains("https://shop.example.com/faq");
        assertThat(registry.links.values()).allSatisfy(l -> {
            assertThat(l.sender()).isEqualTo("zhangsan");
            assertThat(l.stepId()).isEqualTo("step-1");
            assertThat(l.runKey()).isEqualTo(RUN.key());
        });
    }

    @Test
    void codesAreTheSameForARetryAndAnotherRunOfTheStepAndDifferPerSender() {
        Content content = new Content("see https://shop.example.com/a", List.of());

        Content first = new LinkRewriter(BASE, registry).rewrite(RUN, "zhangsan", content);
        Content retried = new LinkRewriter(BASE, registry).rewrite(RUN, "zhangsan", content);
        Content nextRun = new LinkRewriter(BASE, registry).rewrite(new RunId("ww1", "sop-1", "step-1", "2026-11-24T10:00"),
                "zhangsan", content);
        Content otherSender = rewriter.rewrite(RUN, "lisi", content);
        Content otherStep = rewriter.rewrite(new RunId("ww1", "sop-1", "step-2", "2026-11-23T10:00"), "zhangsan", content);

        assertThat(retried).isEqualTo(first);
        assertThat(nextRun).isEqualTo(first);
        assertThat(otherSender.text()).isNotEqualTo(first.text());
        assertThat(otherStep.text()).isNotEqualTo(first.text());
        assertThat(registry.links).hasSize(3);
    }

    @Test
    void aSenderIsRegisteredOncePerProcessAndRunButEachSenderGetsItsOwnCodes() {
        Content content = new Content("https://shop.example.com/a", List.of());
        var perSender = rewriter.contentFor(RUN, content);

        perSender.apply("zhangsan");
        perSender.apply("zhangsan");
        perSender.apply("lisi");

        assertThat(registry.calls).extracting(TrackedLink::sender).containsExactly("zhangsan", "lisi");
    }

    @Test
    void contentWithoutLinksIsUntouched() {
        Content content = new Content("周五18:00 直播，不见不散！ www.example.com 不是链接 mailto:a@b.c ftp-like text",
                List.of(new Attachment.Image("media-1", null), new Attachment.MiniProgram("t", "m", "wx1", "p")));

        assertThat(rewriter.rewrite(RUN, "zhangsan", content)).isEqualTo(content);
        assertThat(registry.calls).isEmpty();
    }

    @Test
    void withoutABaseUrlNothingChanges() {
        Content content = new Content("https://shop.example.com/a",
                List.of(new Attachment.Link("t", "https://shop.example.com/a", null, null)));

        assertThat(LinkRewriter.NONE.rewrite(RUN, "zhangsan", content)).isSameAs(content);
        assertThat(LinkRewriter.NONE.contentFor(RUN, content).apply("zhangsan")).isSameAs(content);
        assertThat(LinkRewriter.NONE.enabled()).isFalse();
    }

    @Test
    void textThatWouldGrowPastWeComsLimitKeepsItsUrls() {
        String text = "x".repeat(3990) + " http://a.cn";
        Content content = new Content(text, List.of(new Attachment.Link("t", "http://a.cn", null, null)));

        Content out = rewriter.rewrite(RUN, "zhangsan", content);

        assertThat(out.text()).isEqualTo(text);
        assertThat(((Attachment.Link) out.attachments().get(0)).url()).startsWith(BASE + "/l/");
    }

    @Test
    void aCollisionIsRefusedNotOverwritten() {
        String url = "https://shop.example.com/a";
        String code = LinkCodes.code("ww1", "sop-1", "step-1", "zhangsan", url);
        registry.register(new TrackedLink(code, "https://elsewhere.example.com/", "ww1", "sop-9", "step-9", "k", "other"));

        assertThatThrownBy(() -> rewriter.rewrite(RUN, "zhangsan", new Content(url, List.of())))
                .isInstanceOf(LinkRegistry.CodeTaken.class);
        assertThat(registry.links.get(code).url()).isEqualTo("https://elsewhere.example.com/");
    }

    @Test
    void theBaseUrlMustBeHttp() {
        assertThatThrownBy(() -> new LinkRewriter("javascript:alert(1)", registry)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LinkRewriter("https://go.example.com/?next=", registry)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new LinkRewriter("https://go.example.com/", registry).rewrite(RUN, "s", new Content("http://a.cn/x", List.of())).text())
                .startsWith("https://go.example.com/l/");
    }
}
