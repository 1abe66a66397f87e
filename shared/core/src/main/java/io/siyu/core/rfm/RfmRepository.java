package io.siyu.core.rfm;

import io.siyu.core.orders.CustomerRef;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Customers' RFM records, their history, the distribution counters and the corp's RFM settings. */
public interface RfmRepository {

    /** A customer's record, read consistently. */
    Optional<RfmState> state(String corpId, CustomerRef customer);

    /** One customer's record before and after a change, and the transition it made (or null). */
    record Change(RfmState before, RfmState after, RfmTransition transition) {}

    enum Commit {
        /** Written, all together. */
        APPLIED,
        /** The once-key was used before: this change was applied by an earlier delivery. Nothing written. */
        ALREADY_APPLIED,
        /** A record changed since it was read (its version moved): read again and retry. Nothing written. */
        CONFLICT
    }

    /**
     * Writes the changes in one transaction: each record (if still at its {@code before}
     * version), the distribution counters moved by each transition, the history entries, and,
     * when {@code onceKey} is given, a marker that makes a second commit under the same key
     * {@link Commit#ALREADY_APPLIED}.
     */
    Commit commit(String corpId, String onceKey, List<Change> changes, Instant now);

    /**
     * Records that WeCom carries {@code state}'s segment and stage tags and that its pending
     * transitions are published, if the record is still at {@code state.version()}.
     *
     * @return false when the record moved meanwhile (read it again and settle again)
     */
    boolean settle(String corpId, RfmState state, Instant now);

    /** The customer's transitions with these versions (the outbox's contents). */
    List<RfmTransition> transitions(String corpId, CustomerRef customer, List<Long> versions);

    /** A page of the customer's history, newest first, before {@code beforeVersion} when given. */
    List<RfmTransition> history(String corpId, CustomerRef customer, int limit, Long beforeVersion);

    /** How many customers are in each segment and stage (counters moved on transitions, never a scan). */
    record Distribution(Map<Segment, Long> segments, Map<LifecycleStage, Long> stages) {}

    Distribution distribution(String corpId);

    /** The corp's thresholds, or {@link RfmThresholds#DEFAULTS}. */
    RfmThresholds thresholds(String corpId);

    void saveThresholds(String corpId, RfmThresholds thresholds, Instant now, String updatedBy);

    /** Customers whose next recency boundary is {@code day} (through the boundary index). */
    List<CustomerRef> dueOn(String corpId, LocalDate day);

    /** Customers with paid orders known only by unionid (through the unresolved index). */
    List<CustomerRef> unresolved(String corpId);

    /** The WeCom corp tag ids Siyu created for segments and stages, by tag name; empty before they exist. */
    Map<String, String> wecomTagIds(String corpId);

    void saveWecomTagIds(String corpId, Map<String, String> tagIdsByName, Instant now);

    /** Forgets the tag ids (WeCom no longer knows them); they are created again on next use. */
    void forgetWecomTagIds(String corpId);
}
