package io.siyu.core.sop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DispatchFillerTest {

    private static final RunId RUN = new RunId("ww1", "sop1", "s1", "2026-03-06T18:00");
    private static final Content CONTENT = new Content("hi", List.of());

    /**
     * Feeds recipients (each a sender index) through as many commits as the write budget needs,
     * carrying the chain state from commit to commit as the planner does, then checks the result.
     */
    @Property(tries = 300)
    void everySenderGetsTheMinimumNumberOfCallsAndEveryRecipientIsPlannedOnce(
            @ForAll @Size(max = 400) List<@IntRange(max = 6) Integer> senders,
            @ForAll @IntRange(min = 1, max = 40) int perCall,
            @ForAll @IntRange(min = 1, max = 15) int pageSize,
            @ForAll @IntRange(min = 3, max = 30) int maxWrites) {
        Chain chain = Chain.start(RUN, new ChainSource.Staff("x"));
        List<RecipientPage> pages = new ArrayList<>();
        List<DispatchHead> heads = new ArrayList<>();
        int next = 0;
        boolean sealedAll = false;
        while (!sealedAll) {
            DispatchFiller filler = new DispatchFiller(chain, ChatType.SINGLE, CONTENT, perCall, pageSize, maxWrites);
            while (next < senders.size() && filler.offer("u" + senders.get(next), "c" + next)) {
                next++;
            }
            if (next == senders.size()) {
                sealedAll = filler.sealAll();
            }
            List<RecipientPage> written = filler.pages();
            assertThat(written.size() + filler.sealed().size()).as("writes in one commit").isLessThanOrEqualTo(maxWrites);
            pages.addAll(written);
            heads.addAll(filler.sealed());
            chain = new Chain(chain.key(), RUN, chain.source(), chain.seq() + 1, null, false, filler.open(), List.of());
        }

        Map<String, Integer> perSender = new HashMap<>();
        senders.forEach(s -> perSender.merge("u" + s, 1, Integer::sum));
        perSender.forEach((sender, n) -> assertThat(heads.stream().filter(h -> h.sender().equals(sender)).count())
                .as("calls for %s with %d recipients", sender, n).isEqualTo((n + perCall - 1) / perCall));
        assertThat(heads.stream().map(DispatchHead::sender).distinct().count()).isEqualTo(perSender.size());

        Map<String, List<String>> idsByDispatch = new HashMap<>();
        for (RecipientPage p : pages) {
            assertThat(p.ids()).isNotEmpty().hasSizeLessThanOrEqualTo(pageSize);
            idsByDispatch.computeIfAbsent(p.dispatchKey(), k -> new ArrayList<>()).addAll(p.ids());
        }
        for (DispatchHead h : heads) {
            assertThat(idsByDispatch.get(h.key())).as(h.key()).hasSize(h.recipients());
            assertThat(h.recipients()).isBetween(1, perCall);
            assertThat(pages.stream().filter(p -> p.dispatchKey().equals(h.key())).map(RecipientPage::page).sorted().toList())
                    .as("pages of %s are numbered 1..n", h.key())
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(1, h.pages()).boxed().toList());
        }
        assertThat(idsByDispatch.keySet()).as("no page outside a sealed dispatch")
                .containsExactlyInAnyOrderElementsOf(heads.stream().map(DispatchHead::key).toList());
        List<String> all = idsByDispatch.values().stream().flatMap(List::stream).sorted().toList();
        List<String> expected = java.util.stream.IntStream.range(0, senders.size()).mapToObj(i -> "c" + i).sorted().toList();
        assertThat(all).isEqualTo(expected);
        // every recipient of a dispatch belongs to that dispatch's sender
        heads.forEach(h -> idsByDispatch.get(h.key()).forEach(id ->
                assertThat("u" + senders.get(Integer.parseInt(id.substring(1)))).isEqualTo(h.sender())));
    }

    @Test
    void twentyFiveThousandOneRecipientsOfOneSenderMakeThreeCalls() {
        Chain chain = Chain.start(RUN, new ChainSource.Staff("zhangsan"));
        DispatchFiller filler = new DispatchFiller(chain, ChatType.SINGLE, CONTENT, 10_000, 2_500, 90);
        for (int i = 0; i < 25_001; i++) {
            assertThat(filler.offer("zhangsan", "wm" + i)).isTrue();
        }
        assertThat(filler.sealAll()).isTrue();
        assertThat(filler.sealed()).extracting(DispatchHead::recipients).containsExactly(10_000, 10_000, 5_001);
        assertThat(filler.sealed()).extracting(DispatchHead::key).containsExactly(
                "ww1#sop1#s1#2026-03-06T18:00#S:zhangsan#zhangsan#0001",
                "ww1#sop1#s1#2026-03-06T18:00#S:zhangsan#zhangsan#0002",
                "ww1#sop1#s1#2026-03-06T18:00#S:zhangsan#zhangsan#0003");
        assertThat(filler.pages()).hasSize(11).allSatisfy(p -> assertThat(p.ids()).hasSizeLessThanOrEqualTo(2_500));
    }

    @Test
    void anOpenDispatchCarriesItsNumberAcrossCommits() {
        Chain chain = Chain.start(RUN, new ChainSource.Staff("zhangsan"));
        DispatchFiller first = new DispatchFiller(chain, ChatType.SINGLE, CONTENT, 3, 2, 90);
        for (int i = 0; i < 4; i++) {
            first.offer("zhangsan", "a" + i);
        }
        assertThat(first.sealed()).hasSize(1);
        assertThat(first.open()).containsEntry("zhangsan", new Chain.OpenDispatch(2, 1, 1));
        Chain next = new Chain(chain.key(), RUN, chain.source(), 1, "pos", false, first.open(), List.of());
        DispatchFiller second = new DispatchFiller(next, ChatType.SINGLE, CONTENT, 3, 2, 90);
        second.offer("zhangsan", "a4");
        second.sealAll();
        assertThat(second.sealed()).singleElement().satisfies(h -> {
            assertThat(h.number()).isEqualTo(2);
            assertThat(h.recipients()).isEqualTo(2);
            assertThat(h.pages()).isEqualTo(2);
        });
        assertThat(second.pages()).singleElement().satisfies(p -> assertThat(p.page()).isEqualTo(2));
    }
}
