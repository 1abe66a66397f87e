package io.siyu.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.core.sop.Audience;
import io.siyu.core.sop.Chain;
import io.siyu.core.sop.ChainCommit;
import io.siyu.core.sop.ChainSource;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.DispatchFiller;
import io.siyu.core.sop.DispatchStatus;
import io.siyu.core.sop.DispatchStore.Dispatch;
import io.siyu.core.sop.DispatchStore.From;
import io.siyu.core.sop.FailureReason;
import io.siyu.core.sop.PlanningStore.ChainCreated;
import io.siyu.core.sop.PlanningStore.ChainMoved;
import io.siyu.core.sop.RecipientStatus;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.SopKind;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The planning and dispatch stores together: a chain commits dispatches that the sender then moves. */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DynamoDbPlanningStoreTest {

    private static final String CORP = AwsEmulators.CORP_ID;
    private static final Instant NOW = Instant.parse("2026-03-06T10:00:00Z");
    private static final RunId RUN = new RunId(CORP, "sop1", "s1", "2026-03-06T18:00");
    private static final Content CONTENT = new Content("hi", List.of(new Content.Attachment.Link("t", "https://x", null, null)));

    private AwsEmulators aws;
    private DynamoDbPlanningStore planning;
    private DynamoDbDispatchStore dispatches;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        String sopTable = aws.stack().tableName("SopTable");
        String dispatchTable = aws.stack().tableName("SopDispatchTable");
        planning = new DynamoDbPlanningStore(aws.dynamoDb(), sopTable, dispatchTable, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(30));
        dispatches = new DynamoDbDispatchStore(aws.dynamoDb(), sopTable, dispatchTable);
    }

    private static Run run(long version, String text) {
        return new Run(RUN, SopKind.BROADCAST, ChatType.SINGLE, new Content(text, List.of()), Audience.of(List.of("zhangsan")), version,
                null, RunCounters.ZERO);
    }

    @Test
    void theCursorMovesOnlyFromWhereItWas() {
        assertThat(planning.nextMinute(CORP)).isEmpty();
        assertThat(planning.advance(CORP, Optional.of(NOW), NOW.plusSeconds(60))).isFalse();
        assertThat(planning.advance(CORP, Optional.empty(), NOW)).isTrue();
        assertThat(planning.advance(CORP, Optional.empty(), NOW)).as("someone else started it").isFalse();
        assertThat(planning.advance(CORP, Optional.of(NOW), NOW.plusSeconds(60))).isTrue();
        assertThat(planning.advance(CORP, Optional.of(NOW), NOW.plusSeconds(120))).as("stale").isFalse();
        assertThat(planning.nextMinute(CORP)).contains(NOW.plusSeconds(60));
    }

    @Test
    void aRunSnapshotIsRefreshedOnlyByANewerDefinitionAndKeepsItsCounters() {
        planning.saveRun(run(2, "v2"));
        planning.createChain(Chain.start(RUN, new ChainSource.Staff("zhangsan")));
        planning.saveRun(run(1, "v1"));
        assertThat(planning.run(RUN).orElseThrow().content().text()).isEqualTo("v2");
        planning.saveRun(run(3, "v3"));
        Run r = planning.run(RUN).orElseThrow();
        assertThat(r.content().text()).isEqualTo("v3");
        assertThat(r.createdAt()).isEqualTo(NOW);
        assertThat(r.counters().chains()).isEqualTo(1);
        assertThat(r.state()).isEqualTo("PLANNING");
    }

    @Test
    void aChainIsCreatedAndCountedOnce() {
        planning.saveRun(run(1, "x"));
        Chain chain = Chain.start(RUN, new ChainSource.Added(NOW, LocalDate.parse("2026-03-06"), NOW.minusSeconds(60), NOW));
        assertThat(planning.createChain(chain)).isEqualTo(ChainCreated.CREATED);
        assertThat(planning.createChain(chain)).isEqualTo(ChainCreated.EXISTS_UNSTARTED);
        assertThat(planning.chain(chain.key())).contains(chain);
        planning.commit(new ChainCommit(0, new Chain(chain.key(), RUN, chain.source(), 1, "p", false, chain.open(), List.of()),
                List.of(), List.of(), RunCounters.ZERO));
        assertThat(planning.createChain(chain)).isEqualTo(ChainCreated.EXISTS_STARTED);
        assertThat(planning.run(RUN).orElseThrow().counters().chains()).isEqualTo(1);
    }

    @Test
    void aCommitIsAllOrNothingAndOnlyFromTheExpectedSeq() {
        planning.saveRun(run(1, "x"));
        Chain chain = Chain.start(RUN, new ChainSource.Staff("zhangsan"));
        planning.createChain(chain);
        DispatchFiller filler = new DispatchFiller(chain, ChatType.SINGLE, CONTENT, 3, 2, 90);
        IntStream.range(0, 4).forEach(i -> filler.offer("zhangsan", "wm" + i));
        var sealed = filler.sealed();
        Chain next = new Chain(chain.key(), RUN, chain.source(), 1, "wm3", false, filler.open(),
                sealed.stream().map(h -> h.key()).toList());
        ChainCommit commit = new ChainCommit(0, next, filler.pages(), sealed, new RunCounters(4, 0, 0, 2, 1, 0, 0, 0, 1, 0));
        planning.commit(commit);
        assertThatThrownBy(() -> planning.commit(commit)).isInstanceOf(ChainMoved.class);

        assertThat(planning.chain(chain.key())).contains(next);
        RunCounters c = planning.run(RUN).orElseThrow().counters();
        assertThat(c).as("counted once").isEqualTo(new RunCounters(4, 0, 0, 2, 1, 0, 1, 0, 1, 0));

        Dispatch d = dispatches.dispatch(sealed.get(0).key()).orElseThrow();
        assertThat(d.status()).isEqualTo(DispatchStatus.PLANNED);
        assertThat(d.recipients()).containsExactly("wm0", "wm1", "wm2");
        assertThat(d.head().content()).isEqualTo(CONTENT);
        assertThat(d.head().recipients()).isEqualTo(3);
        assertThat(d.statusOf("wm1")).isEqualTo(RecipientStatus.PLANNED);
        assertThat(dispatches.dispatch(next.key() + "#zhangsan#0002")).as("still open: no head").isEmpty();

        planning.sent(chain.key(), 0);
        assertThat(planning.chain(chain.key()).orElseThrow().pendingSend()).as("stale seq").isNotEmpty();
        planning.sent(chain.key(), 1);
        assertThat(planning.chain(chain.key()).orElseThrow().pendingSend()).isEmpty();

        var byRun = aws.dynamoDb().query(b -> b.tableName(aws.stack().tableName("SopDispatchTable")).indexName(DispatchItems.BY_RUN)
                .keyConditionExpression("runKey = :r").expressionAttributeValues(java.util.Map.of(":r",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(RUN.key()))));
        assertThat(byRun.items()).singleElement().satisfies(i -> assertThat(i.get("sender").s()).isEqualTo("zhangsan"));
    }

    @Test
    void theSenderMovesADispatchOnceAndCountsItOnce() {
        Dispatch d = sealedDispatch("wm0", "wm1", "wm2");
        assertThat(dispatches.claim(d.head().key(), "t1", NOW.plusSeconds(60))).isTrue();
        assertThat(dispatches.claim(d.head().key(), "t2", NOW.plusSeconds(60))).as("the marker is taken").isFalse();
        dispatches.release(d.head().key(), "t2", "not ours");
        assertThat(dispatches.dispatch(d.head().key()).orElseThrow().status()).isEqualTo(DispatchStatus.SENDING);

        dispatches.taskCreated(d, "t1", "msgGCAAAXtWyujaWJHDDGi0mAAAA", List.of("wm1", "wmUnknown"), NOW);
        Dispatch after = dispatches.dispatch(d.head().key()).orElseThrow();
        assertThat(after.status()).isEqualTo(DispatchStatus.TASK_CREATED);
        assertThat(after.msgId()).isEqualTo("msgGCAAAXtWyujaWJHDDGi0mAAAA");
        assertThat(after.statusOf("wm0")).isEqualTo(RecipientStatus.TASK_CREATED);
        assertThat(after.statusOf("wm1")).isEqualTo(RecipientStatus.SKIPPED_WECOM_REFUSED);
        assertThatThrownBy(() -> dispatches.taskCreated(d, "t1", "again", List.of(), NOW)).isInstanceOf(IllegalStateException.class);
        assertThat(dispatches.fail(after, new From.Claimed("t1"), FailureReason.WECOM_ERROR, "x", NOW)).isFalse();
        RunCounters c = planning.run(RUN).orElseThrow().counters();
        assertThat(c.sent()).isEqualTo(2);
        assertThat(c.skippedRefused()).isEqualTo(1);
        assertThat(c.failed()).isZero();
        assertThat(c.dispatchesDone()).isEqualTo(1);
    }

    @Test
    void aReleasedDispatchCanBeClaimedAgainAndAnAbandonedOneFailsAsUnknown() {
        Dispatch d = sealedDispatch("wm0", "wm1");
        dispatches.claim(d.head().key(), "t1", NOW.plusSeconds(60));
        dispatches.release(d.head().key(), "t1", "45009 api freq out of limit");
        assertThat(dispatches.dispatch(d.head().key()).orElseThrow().status()).isEqualTo(DispatchStatus.PLANNED);
        assertThat(dispatches.claim(d.head().key(), "t2", NOW.plusSeconds(60))).isTrue();
        assertThat(dispatches.dispatch(d.head().key()).orElseThrow().attempts()).isEqualTo(2);

        assertThat(dispatches.fail(d, new From.Abandoned(NOW.plusSeconds(60)), FailureReason.OUTCOME_UNKNOWN, "x", NOW))
                .as("lease still running").isFalse();
        assertThat(dispatches.fail(d, new From.Abandoned(NOW.plusSeconds(61)), FailureReason.OUTCOME_UNKNOWN, "died", NOW)).isTrue();
        Dispatch failed = dispatches.dispatch(d.head().key()).orElseThrow();
        assertThat(failed.status()).isEqualTo(DispatchStatus.FAILED);
        assertThat(failed.statusOf("wm0")).isEqualTo(RecipientStatus.FAILED);
        assertThat(planning.run(RUN).orElseThrow().counters().failed()).isEqualTo(2);
        assertThat(dispatches.fail(d, new From.Abandoned(NOW.plusSeconds(61)), FailureReason.OUTCOME_UNKNOWN, "died", NOW)).isFalse();
        assertThat(planning.run(RUN).orElseThrow().counters().failed()).as("counted once").isEqualTo(2);
    }

    private Dispatch sealedDispatch(String... ids) {
        planning.saveRun(run(1, "x"));
        Chain chain = Chain.start(RUN, new ChainSource.Staff("zhangsan"));
        planning.createChain(chain);
        DispatchFiller filler = new DispatchFiller(chain, ChatType.SINGLE, CONTENT, 100, 2, 90);
        for (String id : ids) {
            filler.offer("zhangsan", id);
        }
        filler.sealAll();
        planning.commit(new ChainCommit(0, new Chain(chain.key(), RUN, chain.source(), 1, null, true, filler.open(), List.of()),
                filler.pages(), filler.sealed(), new RunCounters(ids.length, 0, 0, 0, 0, 0, 0, 1, 1, 0)));
        return dispatches.dispatch(filler.sealed().get(0).key()).orElseThrow();
    }
}
