package io.siyu.core.sop;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.sop.AudienceSource.Member;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AudienceTest {

    private static Member member(String userId, String channel, Set<String> tags, String addedAt) {
        return new Member("wm1", userId, RelationshipStatus.ACTIVE, channel, tags, Instant.parse(addedAt), "p");
    }

    private static Audience audience(List<String> senders, Set<String> any, Set<String> all, Set<String> none, Set<String> channels,
                                     LocalDate from, LocalDate to) {
        return new Audience(senders, any, all, none, channels, from, to, null, null, null);
    }

    @Test
    void everyFilterThatIsSetMustMatch() {
        Member m = member("zhangsan", "ch1", Set.of("vip", "gold"), "2026-03-01T16:30:00Z"); // 2 March 00:30 in Shanghai
        assertThat(audience(List.of(), null, null, null, null, null, null).matches(m)).isTrue();
        assertThat(audience(List.of("lisi"), null, null, null, null, null, null).matches(m)).isFalse();
        assertThat(audience(List.of(), Set.of("vip", "x"), null, null, null, null, null).matches(m)).isTrue();
        assertThat(audience(List.of(), Set.of("x"), null, null, null, null, null).matches(m)).isFalse();
        assertThat(audience(List.of(), null, Set.of("vip", "gold"), null, null, null, null).matches(m)).isTrue();
        assertThat(audience(List.of(), null, Set.of("vip", "x"), null, null, null, null).matches(m)).isFalse();
        assertThat(audience(List.of(), null, null, Set.of("gold"), null, null, null).matches(m)).isFalse();
        assertThat(audience(List.of(), null, null, Set.of("x"), null, null, null).matches(m)).isTrue();
        assertThat(audience(List.of(), null, null, null, Set.of("ch1"), null, null).matches(m)).isTrue();
        assertThat(audience(List.of(), null, null, null, Set.of("ch2"), null, null).matches(m)).isFalse();
        assertThat(audience(List.of(), null, null, null, Set.of("ch2"), null, null)
                .matches(member("zhangsan", null, Set.of(), "2026-03-01T16:30:00Z"))).isFalse();
    }

    @Test
    void addedBetweenIsInclusiveLocalDays() {
        Member m = member("zhangsan", null, Set.of(), "2026-03-01T16:30:00Z"); // 2 March local, 1 March UTC
        assertThat(audience(List.of(), null, null, null, null, LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-02")).matches(m)).isTrue();
        assertThat(audience(List.of(), null, null, null, null, null, LocalDate.parse("2026-03-01")).matches(m)).isFalse();
        assertThat(audience(List.of(), null, null, null, null, LocalDate.parse("2026-03-03"), null).matches(m)).isFalse();
    }

    @Test
    void segmentFiltersNeedASegment() {
        Audience a = new Audience(List.of(), null, null, null, null, null, null, Set.of("champions"), Set.of("active"), null);
        assertThat(a.needsSegments()).isTrue();
        assertThat(a.matchesSegment(new CustomerSegments.Segment("champions", "active"))).isTrue();
        assertThat(a.matchesSegment(new CustomerSegments.Segment("champions", "lapsed"))).isFalse();
        assertThat(a.matchesSegment(null)).isFalse();
        assertThat(Audience.of(List.of()).matchesSegment(null)).isTrue();
    }
}
