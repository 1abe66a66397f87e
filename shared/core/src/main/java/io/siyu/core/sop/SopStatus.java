package io.siyu.core.sop;

/** Only ACTIVE SOPs are planned; a paused SOP misses what falls due while it is paused. */
public enum SopStatus {
    ACTIVE,
    PAUSED
}
