package io.siyu.core.sop;

import java.util.List;

/** A queue of keys to work on (planning chains, dispatches); sending is at-least-once. */
public interface WorkQueue {

    /** Sends one message per key; throws unless every message was accepted. */
    void send(List<String> keys);

    /** Sends them so that they are received {@code delaySeconds} later at the earliest (0: now). */
    default void sendLater(List<String> keys, int delaySeconds) {
        send(keys);
    }
}
