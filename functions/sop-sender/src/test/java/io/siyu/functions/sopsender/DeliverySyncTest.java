package io.siyu.functions.sopsender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.core.sop.Audience;
import io.siyu.core.sop.Chain;
import io.siyu.core.sop.ChainCommit;
import io.siyu.core.sop.ChainSource;
import io.siyu.core.sop.ChatType;
import io.siyu.core.sop.Content;
import io.siyu.core.sop.DeliveryCounters;
import io.siyu.core.sop.DeliveryStore;
import io.siyu.core.sop.DispatchFiller;
import io.siyu.core.sop.RecipientStatus;
import io.siyu.core.sop.Run;
import io.siyu.core.sop.RunCounters;
import io.siyu.core.sop.RunId;
import io.siyu.core.sop.SopKind;
import io.siyu.dynamodb.DynamoDbDeliveryStore;
import io.siyu.dynamodb.DynamoDbDispatchStore;
import io.siyu.dynamodb.DynamoDbPlanningStore;
import io.siyu.emulators.LambdaContext;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.TestClock;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.WeComStub;
import io.siyu.wecom.api.MassMessageApi;
import io.siyu.wecom.api.WeComException;
import io.siyu.wecom.api.WeComClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The delivery sync on DynamoDB Local with WeCom's get_groupmsg_task / get_groupmsg_send_result
 * from the stub: outcomes per recipient, counters that move once per transition whatever is
 * read again, the follow-up window and reminders.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DeliverySyncTest {

    private static final String CORP = AwsEmulators.CORP_ID;
    private static final String TASKS = "externalcontact/get_groupmsg_task";
    private static final String RESULTS = "externalcontact/get_groupmsg_send_result";
    private static final String REMIND = "externalcontact/remind_groupmsg_send";
    private static final String MSGID = "msgGCAAAXtWyujaWJHDDGi0mAAAA";
    private static final String SENDER = "zhangsan";
    private static final RunId RUN = new RunId(CORP, "sop1", "s1", "2026-03-06T18:00");
    private static final List<String> RECIPIENTS = List.of("wmA", "wmB", "wmC", "wmD", "wmRefused");
    private static final Instant CREATED = Instant.parse("2026-03-06T10:00:00Z");
    private static final DeliverySyncService.Policy POLICY = new DeliverySyncService.Policy(Duration.ofHours(72),
            Duration.ofMinutes(30), Duration.ofHours(6));

    private AwsEmulators aws;
    private WeComStub wecom;
    private DynamoDbPlanningStore planning;
    private DynamoDbDispatchStore dispatches;
    private DynamoDbDeliveryStore deliveries;
    private TestClock clock;
    private DeliverySyncService sync;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        wecom = aws.wecomStub();
        String sopTable = aws.stack().tableName("SopTable");
        String dispatchTable = aws.stack().tableName("SopDispatchTable");
        planning = new DynamoDbPlanningStore(aws.dynamoDb(), sopTable, dispatchTable, Clock.systemUTC(), Duration.ofDays(30));
        dispatches = new DynamoDbDispatchStore(aws.dynamoDb(), sopTable, dispatchTable);
        deliveries = new DynamoDbDeliveryStore(aws.dynamoDb(), sopTable, dispatchTable);
        clock = new TestClock(CREATED);
        MassMessageApi api = new MassMessageApi(WeComClient.create(URI.create(wecom.baseUrl()), CORP, () -> AwsEmulators.WECOM_SECRET,
                Duration.ofSeconds(5)));
        sync = new DeliverySyncService(CORP, deliveries, api, clock, POLICY);
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    /** zhangsan's dispatch of RECIPIENTS, created at WeCom at {@code createdAt} with wmRefused in fail_list. */
    private String task(Instant createdAt) {
        return task(RUN, MSGID, createdAt);
    }

    private String task(RunId run, String msgId, Instant createdAt) {
        planning.saveRun(new Run(run, SopKind.BROADCAST, ChatType.SINGLE, new Content("周五福利", List.of()), Audience.of(List.of(SENDER)), 1,
                null, RunCounters.ZERO));
        Chain chain = Chain.start(run, new ChainSource.Staff(SENDER));
        planning.createChain(chain);
        // Pages of 2 ids: the outcomes span several recipient pages.
        DispatchFiller filler = new DispatchFiller(chain, ChatType.SINGLE, new Content("周五福利", List.of()), 10_000, 2, 90);
        RECIPIENTS.forEach(id -> filler.offer(SENDER, id));
        filler.sealAll();
        planning.commit(new ChainCommit(0, new Chain(chain.key(), run, chain.source(), 1, null, true, filler.open(), List.of()),
                filler.pages(), filler.sealed(), new RunCounters(RECIPIENTS.size(), 0, 0, 0, 0, 0, 0, 1, 1, 0)));
        String key = filler.sealed().get(0).key();
        assertThat(dispatches.claim(key, "t", createdAt.plusSeconds(60))).isTrue();
        dispatches.taskCreated(dispatches.dispatch(key).orElseThrow(), "t", msgId, List.of("wmRefused"), createdAt);
        return key;
    }

    private static String taskPage(String userId, int status, String nextCursor) {
        return "{\"errcode\":0,\"errmsg\":\"ok\",\"next_cursor\":\"" + nextCursor + "\",\"task_list\":[{\"userid\":\"" + userId
                + "\",\"status\":" + status + ",\"send_time\":1552536375}]}";
    }

    /** A send_result page: recipient → status. */
    private static String resultPage(Map<String, Integer> rows, String nextCursor) {
        StringBuilder list = new StringBuilder();
        rows.forEach((id, status) -> list.append(list.length() == 0 ? "" : ",").append("{\"external_userid\":\"").append(id)
                .append("\",\"userid\":\"" + SENDER + "\",\"status\":").append(status).append(",\"send_time\":1552536375}"));
        return "{\"errcode\":0,\"errmsg\":\"ok\",\"next_cursor\":\"" + nextCursor + "\",\"send_list\":[" + list + "]}";
    }

    /** Another member unconfirmed on the first page, zhangsan confirmed on the second. */
    private void senderConfirmed() {
        wecom.ok(TASKS, taskPage("lisi", 0, "T1"));
        wecom.okWhenBodyContains(TASKS, "\"cursor\":\"T1\"", taskPage(SENDER, 2, ""));
    }

    private void senderNotConfirmed() {
        wecom.ok(TASKS, taskPage(SENDER, 0, ""));
    }

    /** wmA sent, wmB not a friend on the first page; wmC skipped by the daily limit and wmD {@code wmD} on the second. */
    private void results(int wmD) {
        Map<String, Integer> first = new java.util.LinkedHashMap<>();
        first.put("wmA", 1);
        first.put("wmB", 2);
        Map<String, Integer> second = new java.util.LinkedHashMap<>();
        second.put("wmC", 3);
        second.put("wmD", wmD);
        wecom.ok(RESULTS, resultPage(first, "R1"));
        wecom.okWhenBodyContains(RESULTS, "\"cursor\":\"R1\"", resultPage(second, ""));
    }

    private DeliveryCounters delivery() {
        return planning.run(RUN).orElseThrow().delivery();
    }

    private RecipientStatus status(String key, String id) {
        return dispatches.dispatch(key).orElseThrow().statusOf(id);
    }

    @Test
    void aConfirmedTaskRecordsEveryOutcomeFollowingBothCursorsAtThePageMaximumAndCloses() {
        String key = task(CREATED);
        senderConfirmed();
        results(1);
        clock.set(CREATED.plus(Duration.ofMinutes(40)));

        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Closed(DeliveryStore.Closing.COMPLETE));

        assertThat(status(key, "wmA")).isEqualTo(RecipientStatus.SENT);
        assertThat(status(key, "wmB")).isEqualTo(RecipientStatus.FAILED_NOT_FRIEND);
        assertThat(status(key, "wmC")).isEqualTo(RecipientStatus.SKIPPED_DAILY_LIMIT);
        assertThat(status(key, "wmD")).isEqualTo(RecipientStatus.SENT);
        assertThat(status(key, "wmRefused")).isEqualTo(RecipientStatus.SKIPPED_WECOM_REFUSED);
        assertThat(delivery()).isEqualTo(new DeliveryCounters(4, 2, 1, 1, 0, 0, 1, 1, 0, 0));
        assertThat(wecom.bodies(TASKS)).extracting(b -> b.path("cursor").asText("")).containsExactly("", "T1");
        assertThat(wecom.bodies(RESULTS)).extracting(b -> b.path("cursor").asText("")).containsExactly("", "R1");
        assertThat(wecom.bodies(RESULTS)).allSatisfy(b -> {
            assertThat(b.path("limit").asInt()).isEqualTo(MassMessageApi.MAX_RESULT_PAGE);
            assertThat(b.path("msgid").asText()).isEqualTo(MSGID);
            assertThat(b.path("userid").asText()).isEqualTo(SENDER);
        });
        // Closed: off the list of due tasks, and a sync of it all the same changes nothing.
        assertThat(deliveries.due(CORP, CREATED.plus(Duration.ofDays(10)), 10)).isEmpty();
        sync.sync(key);
        assertThat(delivery()).isEqualTo(new DeliveryCounters(4, 2, 1, 1, 0, 0, 1, 1, 0, 0));
    }

    @Test
    void readingTheSamePagesAgainChangesNothingAndALaterPageMovesOnlyWhatChanged() {
        String key = task(CREATED);
        senderConfirmed();
        results(0); // wmD not sent yet: the task stays open
        clock.set(CREATED.plus(Duration.ofMinutes(40)));

        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Open(true, false));
        DeliveryCounters once = delivery();
        assertThat(once).isEqualTo(new DeliveryCounters(4, 1, 1, 1, 0, 0, 1, 0, 0, 0));

        clock.set(CREATED.plus(Duration.ofMinutes(80)));
        sync.sync(key);
        sync.sweep(clock.instant().plusSeconds(60));
        assertThat(delivery()).isEqualTo(once);
        assertThat(status(key, "wmD")).isEqualTo(RecipientStatus.TASK_CREATED);

        wecom.server().resetMappings();
        wecom.token(WeComStub.ACCESS_TOKEN);
        senderConfirmed();
        results(3);
        clock.set(CREATED.plus(Duration.ofMinutes(120)));
        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Closed(DeliveryStore.Closing.COMPLETE));
        assertThat(delivery()).isEqualTo(new DeliveryCounters(4, 1, 1, 2, 0, 0, 1, 1, 0, 0));
    }

    @Test
    void aRedeliveredSnapshotOfAPageIsRefusedAndCountsNothing() {
        String key = task(CREATED);
        DeliveryStore.Task before = deliveries.task(key).orElseThrow();
        DeliveryStore.TrackedPage first = before.pages().get(0);
        Map<String, RecipientStatus> sent = Map.of(first.ids().get(0), RecipientStatus.SENT);

        assertThat(deliveries.record(before, first, sent)).isTrue();
        assertThat(deliveries.record(before, first, sent)).as("the same write from the same read").isFalse();
        assertThat(deliveries.confirmed(before, CREATED)).isTrue();
        assertThat(deliveries.confirmed(before, CREATED)).isFalse();

        assertThat(delivery()).isEqualTo(new DeliveryCounters(4, 1, 0, 0, 0, 0, 1, 0, 0, 0));
    }

    @Test
    void twoSyncsAtOnceCountEachTransitionOnce() throws Exception {
        String key = task(CREATED);
        senderConfirmed();
        results(1);
        clock.set(CREATED.plus(Duration.ofMinutes(40)));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<DeliverySyncService.Result>> runs = List.of(pool.submit(() -> {
                start.await();
                return sync.sync(key);
            }), pool.submit(() -> {
                start.await();
                return sync.sync(key);
            }));
            start.countDown();
            for (Future<DeliverySyncService.Result> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // Whichever lost a page retries at its next check; nothing is counted twice meanwhile.
        sync.sync(key);
        assertThat(delivery()).isEqualTo(new DeliveryCounters(4, 2, 1, 1, 0, 0, 1, 1, 0, 0));
    }

    @Test
    void stillDispatchingIsReadLaterAndRecordsNothing() {
        String key = task(CREATED);
        wecom.error(TASKS, MassMessageApi.STILL_DISPATCHING, "msg is sending");

        assertThat(sync.sync(key)).isInstanceOf(DeliverySyncService.Result.ReadLater.class);

        assertThat(delivery()).isEqualTo(DeliveryCounters.ZERO);
        assertThat(wecom.calls(RESULTS)).isZero();
        assertThat(deliveries.due(CORP, CREATED.plus(Duration.ofMinutes(29)), 10)).isEmpty();
        assertThat(deliveries.due(CORP, CREATED.plus(Duration.ofMinutes(30)), 10)).containsExactly(key);
    }

    @Test
    void whenTheWindowEndsWhatIsStillOpenIsUnconfirmedAndTheTaskIsNoLongerRead() {
        String key = task(CREATED);
        senderNotConfirmed();
        clock.set(CREATED.plus(Duration.ofHours(1)));
        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Open(false, false));
        assertThat(wecom.calls(RESULTS)).as("nothing to read before the sender confirms").isZero();

        clock.set(CREATED.plus(Duration.ofHours(72)));
        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Closed(DeliveryStore.Closing.WINDOW_ENDED));

        for (String id : List.of("wmA", "wmB", "wmC", "wmD")) {
            assertThat(status(key, id)).isEqualTo(RecipientStatus.UNCONFIRMED);
        }
        assertThat(status(key, "wmRefused")).isEqualTo(RecipientStatus.SKIPPED_WECOM_REFUSED);
        assertThat(delivery()).isEqualTo(new DeliveryCounters(0, 0, 0, 0, 4, 0, 0, 1, 0, 0));
        int reads = wecom.calls(TASKS);
        assertThat(sync.sweep(clock.instant().plusSeconds(60)).synced()).isZero();
        assertThat(wecom.calls(TASKS)).isEqualTo(reads);
        sync.sync(key);
        assertThat(delivery()).isEqualTo(new DeliveryCounters(0, 0, 0, 0, 4, 0, 0, 1, 0, 0));
    }

    @Test
    void afterTheWindowAnErrorARetryWouldRepeatClosesTheTaskWithWhatIsKnown() {
        String key = task(CREATED);
        wecom.error(TASKS, 40058, "invalid msgid");
        clock.set(CREATED.plus(Duration.ofHours(1)));
        assertThatThrownBy(() -> sync.sync(key)).isInstanceOf(WeComException.class);
        assertThat(delivery()).as("inside the window the task is read again").isEqualTo(DeliveryCounters.ZERO);

        clock.set(CREATED.plus(Duration.ofHours(72)));
        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Closed(DeliveryStore.Closing.WINDOW_ENDED));
        assertThat(status(key, "wmA")).isEqualTo(RecipientStatus.UNCONFIRMED);
        assertThat(delivery()).isEqualTo(new DeliveryCounters(0, 0, 0, 0, 4, 0, 0, 1, 0, 0));
    }

    @Test
    void afterTheWindowABusyWeComIsWaitedForADayThenTheTaskCloses() {
        String key = task(CREATED);
        wecom.error(TASKS, -1, "system busy");
        clock.set(CREATED.plus(Duration.ofHours(72)));
        assertThatThrownBy(() -> sync.sync(key)).isInstanceOf(WeComException.class);
        clock.set(CREATED.plus(Duration.ofHours(95)));
        assertThatThrownBy(() -> sync.sync(key)).isInstanceOf(WeComException.class);
        assertThat(delivery()).isEqualTo(DeliveryCounters.ZERO);

        clock.set(CREATED.plus(Duration.ofHours(96)));
        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Closed(DeliveryStore.Closing.WINDOW_ENDED));
        assertThat(delivery()).isEqualTo(new DeliveryCounters(0, 0, 0, 0, 4, 0, 0, 1, 0, 0));
    }

    @Test
    void aSenderWhoConfirmsLateKeepsWhatWasSentAndOnlyTheRestIsUnconfirmed() {
        String key = task(CREATED);
        senderConfirmed();
        results(0);
        clock.set(CREATED.plus(Duration.ofHours(72)));

        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Closed(DeliveryStore.Closing.WINDOW_ENDED));

        assertThat(status(key, "wmA")).isEqualTo(RecipientStatus.SENT);
        assertThat(status(key, "wmD")).isEqualTo(RecipientStatus.UNCONFIRMED);
        assertThat(delivery()).isEqualTo(new DeliveryCounters(4, 1, 1, 1, 1, 0, 1, 1, 0, 0));
    }

    @Test
    void unconfirmedSendersAreRemindedAfterTheDelayAndNeverAgainOnceWeComRefuses() {
        String key = task(CREATED);
        senderNotConfirmed();
        wecom.ok(REMIND);

        clock.set(CREATED.plus(Duration.ofHours(5)));
        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Open(false, false));
        clock.set(CREATED.plus(Duration.ofHours(6)));
        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Open(false, true));
        clock.set(CREATED.plus(Duration.ofHours(7)));
        assertThat(sync.sync(key)).as("the next reminder waits the delay again").isEqualTo(new DeliverySyncService.Result.Open(false, false));
        assertThat(wecom.calls(REMIND)).isEqualTo(1);
        assertThat(wecom.bodies(REMIND).get(0).path("msgid").asText()).isEqualTo(MSGID);

        wecom.error(REMIND, MassMessageApi.REMIND_OVER_LIMIT, "remind over limit");
        clock.set(CREATED.plus(Duration.ofHours(12)));
        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Open(false, false));
        clock.set(CREATED.plus(Duration.ofHours(24)));
        sync.sync(key);

        assertThat(wecom.calls(REMIND)).isEqualTo(2);
        assertThat(delivery().reminders()).isEqualTo(2);
    }

    @Test
    void aCancelledTaskIsClosedWithItsOpenRecipientsCancelledAndNoReminder() {
        String key = task(CREATED);
        senderNotConfirmed();
        wecom.ok(REMIND);
        clock.set(CREATED.plus(Duration.ofHours(7)));
        assertThat(deliveries.cancelled(RUN, key, clock.instant())).isTrue();
        assertThat(deliveries.cancelled(RUN, key, clock.instant())).as("cancelled once").isFalse();
        assertThat(deliveries.due(CORP, clock.instant(), 10)).as("due at once").containsExactly(key);

        assertThat(sync.sync(key)).isEqualTo(new DeliverySyncService.Result.Closed(DeliveryStore.Closing.CANCELLED));

        for (String id : List.of("wmA", "wmB", "wmC", "wmD")) {
            assertThat(status(key, id)).isEqualTo(RecipientStatus.CANCELLED);
        }
        assertThat(delivery()).isEqualTo(new DeliveryCounters(0, 0, 0, 0, 0, 4, 0, 1, 1, 0));
        assertThat(wecom.calls(REMIND)).isZero();
        assertThat(deliveries.cancelled(RUN, key, clock.instant())).as("closed").isFalse();
    }

    @Test
    void aTaskWeComRefusesToReadDoesNotStopTheSweepAndIsReadAgainAtItsNextCheck() {
        RunId other = new RunId(CORP, "sop1", "s1", "2026-03-07T18:00");
        String broken = task(other, "msgBROKEN", CREATED);
        String fine = task(CREATED);
        senderConfirmed();
        results(1);
        wecom.okWhenBodyContains(TASKS, "msgBROKEN", "{\"errcode\":48002,\"errmsg\":\"api forbidden\"}");
        clock.set(CREATED.plus(Duration.ofMinutes(40)));

        DeliverySyncService.Sweep sweep = sync.sweep(clock.instant().plusSeconds(60));

        assertThat(sweep).isEqualTo(new DeliverySyncService.Sweep(1, 1, 0, 1, false));
        assertThat(status(fine, "wmA")).isEqualTo(RecipientStatus.SENT);
        assertThat(planning.run(other).orElseThrow().delivery()).isEqualTo(DeliveryCounters.ZERO);
        assertThat(deliveries.due(CORP, clock.instant().plus(Duration.ofMinutes(29)), 10)).isEmpty();
        assertThat(deliveries.due(CORP, clock.instant().plus(Duration.ofMinutes(30)), 10)).containsExactly(broken);
    }

    @Test
    void aSweepPastItsDeadlineLeavesTheRestForTheNextRun() {
        task(CREATED);
        assertThat(sync.sweep(CREATED)).isEqualTo(new DeliverySyncService.Sweep(0, 0, 0, 0, true));
        assertThat(wecom.calls(TASKS)).isZero();
    }

    @Test
    void theDeployedHandlerSyncsTheDueTasks() {
        Map<String, String> env = new HashMap<>(aws.environmentOf("SopDeliverySyncFunction"));
        Env.use(env);
        String key = task(Instant.now());
        senderConfirmed();
        results(1);

        Map<String, Object> out = new DeliverySyncHandler().handleRequest(Map.of(), new LambdaContext("sop-delivery-sync", 300));

        assertThat(out).containsEntry("synced", 1).containsEntry("closed", 1);
        assertThat(status(key, "wmA")).isEqualTo(RecipientStatus.SENT);
        assertThat(delivery()).isEqualTo(new DeliveryCounters(4, 2, 1, 1, 0, 0, 1, 1, 0, 0));
    }
}
