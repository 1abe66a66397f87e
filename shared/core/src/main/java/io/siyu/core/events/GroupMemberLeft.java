package io.siyu.core.events;

import java.time.Instant;
import java.util.List;

/** Members left a customer group. {@code quitScene}: 0 left by themselves, 1 removed by the owner or an admin. */
public record GroupMemberLeft(String eventId, String corpId, Instant occurredAt, String chatId,
                              List<String> memberIds, Integer quitScene, Integer memberChangeCount,
                              String lastMemberVersion, String currentMemberVersion) implements DomainEvent {}
