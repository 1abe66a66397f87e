package io.siyu.core.events;

import java.time.Instant;
import java.util.List;

/**
 * Members joined a customer group. The event carries no join {@code state}: read it from
 * {@code groupchat/get} ({@code member_list[].state}); {@code currentMemberVersion} tells whether
 * that read already reflects this change. {@code joinScene}: 0 invited by a member, 3 scanned
 * the group QR code (WeCom's own sample shows 1; any value is passed on).
 */
public record GroupMemberJoined(String eventId, String corpId, Instant occurredAt, String chatId,
                                List<String> memberIds, Integer joinScene, Integer memberChangeCount,
                                String lastMemberVersion, String currentMemberVersion) implements DomainEvent {}
