package io.siyu.core.contacts;

/** Where a customer × staff relationship stands. */
public enum RelationshipStatus {
    /** Both are contacts. */
    ACTIVE,
    /** The customer added a staff member with 免验证 on, who has not confirmed yet (add_half_external_contact). */
    PENDING,
    /** One side deleted the other; {@code lostBy} says which. */
    LOST
}
