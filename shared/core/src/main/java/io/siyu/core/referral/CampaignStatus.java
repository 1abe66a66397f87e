package io.siyu.core.referral;

/** ACTIVE campaigns record events; ARCHIVED ones (deleted by an operator) keep their figures and record nothing. */
public enum CampaignStatus {
    ACTIVE,
    ARCHIVED
}
