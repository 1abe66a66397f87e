package io.siyu.core.sop;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Dispatches as the sender sees them: the head with its status, and its recipients (the claim
 * check). Every transition is conditional and moves the run's counters in the same write.
 */
public interface DispatchStore {

    /**
     * @param refused recipients WeCom put in {@code fail_list}, with their own status
     */
    record Dispatch(DispatchHead head, DispatchStatus status, int attempts, Instant leaseUntil, String msgId,
                    List<RecipientPage> pages, Map<String, RecipientStatus> exceptions) {
        public Dispatch {
            pages = List.copyOf(pages);
            exceptions = Map.copyOf(exceptions);
        }

        public List<String> recipients() {
            List<String> ids = new ArrayList<>(head.recipients());
            pages.forEach(p -> ids.addAll(p.ids()));
            return ids;
        }

        public RecipientStatus statusOf(String id) {
            return exceptions.getOrDefault(id, RecipientStatus.of(status));
        }
    }

    Optional<Dispatch> dispatch(String key);

    /** PLANNED → SENDING under {@code token} until {@code leaseUntil}; false when it was not PLANNED. */
    boolean claim(String key, String token, Instant leaseUntil);

    /** SENDING (ours) → TASK_CREATED with the msgid; {@code refused} are WeCom's fail_list. */
    void taskCreated(Dispatch dispatch, String token, String msgId, List<String> refused, Instant now);

    /** SENDING (ours) → PLANNED: WeCom answered that it did nothing (a frequency limit). */
    void release(String key, String token, String lastError);

    /** Which state a {@link #fail} starts from. */
    sealed interface From {
        /** SENDING under this token (ours). */
        record Claimed(String token) implements From {}

        /** SENDING under a lease that ended before {@code now}: its sender died mid-call. */
        record Abandoned(Instant now) implements From {}
    }

    /** → FAILED with its reason, counting the recipients as failed; false when the state was not {@code from}. */
    boolean fail(Dispatch dispatch, From from, FailureReason reason, String detail, Instant now);
}
