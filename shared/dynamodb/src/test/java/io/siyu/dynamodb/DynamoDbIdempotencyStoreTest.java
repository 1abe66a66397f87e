package io.siyu.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.core.ports.IdempotencyStore.Claim;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class DynamoDbIdempotencyStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-23T04:00:00Z");
    private DynamoDbIdempotencyStore store;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        aws.reset();
        store = new DynamoDbIdempotencyStore(aws.dynamoDb(), aws.stack().tableName("IdempotencyTable"),
                Duration.ofSeconds(10), Duration.ofDays(3));
    }

    @Test
    void firstClaimWinsThenCompletedWorkIsReportedDone() {
        assertThat(store.claim("k", T0)).isEqualTo(Claim.ACQUIRED);
        assertThat(store.claim("k", T0.plusSeconds(1))).isEqualTo(Claim.IN_PROGRESS);
        store.complete("k", T0.plusSeconds(1));
        assertThat(store.claim("k", T0.plusSeconds(2))).isEqualTo(Claim.ALREADY_DONE);
        assertThat(store.claim("k", T0.plus(Duration.ofDays(2)))).isEqualTo(Claim.ALREADY_DONE);
    }

    @Test
    void anAbandonedClaimCanBeTakenOverAfterItsLease() {
        assertThat(store.claim("k", T0)).isEqualTo(Claim.ACQUIRED);
        assertThat(store.claim("k", T0.plusSeconds(10))).isEqualTo(Claim.IN_PROGRESS);
        assertThat(store.claim("k", T0.plusSeconds(11))).isEqualTo(Claim.ACQUIRED);
    }

    @Test
    void aReleasedClaimIsFreeAgainButACompletedOneIsNotReleased() {
        store.claim("k", T0);
        store.release("k");
        assertThat(store.claim("k", T0)).isEqualTo(Claim.ACQUIRED);
        store.complete("k", T0);
        store.release("k");
        assertThat(store.claim("k", T0)).isEqualTo(Claim.ALREADY_DONE);
    }

    @Test
    void aMarkerPastItsRetentionCountsAsAbsentEvenBeforeTtlDeletesIt() {
        store.claim("k", T0);
        store.complete("k", T0);
        assertThat(store.claim("k", T0.plus(Duration.ofDays(3)).plusSeconds(1))).isEqualTo(Claim.ACQUIRED);
    }

    @Test
    void concurrentClaimsHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Claim>> claims = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                claims.add(() -> store.claim("hot", T0));
            }
            List<Claim> results = new ArrayList<>();
            for (Future<Claim> f : pool.invokeAll(claims)) {
                results.add(f.get());
            }
            assertThat(results).filteredOn(c -> c == Claim.ACQUIRED).hasSize(1);
            assertThat(results).filteredOn(c -> c == Claim.IN_PROGRESS).hasSize(15);
        } finally {
            pool.shutdownNow();
        }
    }
}
