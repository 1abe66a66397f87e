package io.siyu.testing;

/** An event as it arrived on the bus: whichever emulator carried it, the same four fields. */
public record PublishedEvent(String eventBusName, String source, String detailType, String detail) {}
