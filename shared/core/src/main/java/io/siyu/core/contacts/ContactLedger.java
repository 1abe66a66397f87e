package io.siyu.core.contacts;

import java.util.Set;

/**
 * Where attribution records contact events (the Contacts table and the channel counters).
 * {@link #record} is idempotent: a fact already in the customer's history changes nothing.
 */
public interface ContactLedger {

    /**
     * What recording a fact did.
     *
     * @param applied false when the fact was already recorded (a redelivery)
     * @param relationship the fact's relationship after recording, with its tags
     * @param customer the customer after recording
     * @param tagsPending channel tags are still to be applied to this relationship in WeCom
     * @param profilePending the customer's profile (name, unionid) is still to be fetched from WeCom
     */
    record Recorded(boolean applied, Relationship relationship, Customer customer, boolean tagsPending,
                    boolean profilePending) {}

    /**
     * Adds the fact to the customer's history, re-derives relationships and first touch, and moves
     * the channel counters by the difference, all in one transaction.
     *
     * @param tagsToApply whether, if this fact is new, the relationship has channel tags to apply
     */
    Recorded record(String corpId, String externalUserId, ContactFact fact, boolean tagsToApply);

    /** A customer's profile as WeCom returns it (externalcontact/get). */
    record Profile(String name, int type, String unionId) {}

    /**
     * Finishes what recording left pending, in one request: tags applied in WeCom are added to the
     * relationship (an empty set just clears the mark), a fetched profile is stored. Either may be
     * null when that part was not pending.
     */
    void finishPending(String corpId, String externalUserId, String userId, Set<String> tagsApplied, Profile profile);

    /** The staff member's tags as WeCom reports them now (after an edit in the client). */
    void replaceTags(String corpId, String externalUserId, String userId, Set<String> tagIds);
}
