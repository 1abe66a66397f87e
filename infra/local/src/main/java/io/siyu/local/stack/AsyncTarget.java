package io.siyu.local.stack;

/** What EventBridge rules and schedules deliver to: a function, invoked asynchronously. */
public interface AsyncTarget {

    String name();

    /** Queues the event and returns at once; {@code from} says who sent it (for logs). */
    void invokeAsync(String eventJson, String from);
}
