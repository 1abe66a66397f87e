package io.siyu.dynamodb;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * TransactWriteItems with what DynamoDB leaves to the caller: a transaction cancelled only
 * because another one held one of its items (TransactionConflict: counters on a run are shared by
 * every chain and sender of that run) is tried again after a short, jittered pause; a failed
 * condition is reported by the index of its item.
 */
final class Transactions {

    private static final int ATTEMPTS = 8;

    private Transactions() {}

    /** Thrown when the condition of item {@code index} failed: nothing was written. */
    static final class ConditionFailed extends RuntimeException {
        final int index;

        ConditionFailed(int index) {
            super("condition of transaction item " + index + " failed", null, false, false);
            this.index = index;
        }
    }

    static void write(DynamoDbClient dynamoDb, List<TransactWriteItem> items) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamoDb.transactWriteItems(b -> b.transactItems(items));
                return;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                for (int i = 0; i < reasons.size(); i++) {
                    if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                        throw new ConditionFailed(i);
                    }
                }
                boolean conflict = reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()));
                if (!conflict || attempt == ATTEMPTS) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a transaction", e);
        }
    }
}
