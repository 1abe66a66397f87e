package io.siyu.core.sop;

/** One message of an SOP: when, to whom (customers or groups) and what. */
public record Step(String stepId, Schedule schedule, ChatType chatType, Content content) {}
