package io.siyu.core.channels;

import io.siyu.core.contacts.StateCodes;
import java.time.Instant;
import java.util.List;

/**
 * A channel (渠道活码): a 「联系我」 QR code printed or shown somewhere, whose state code tells Siyu
 * which channel brought each new customer.
 *
 * @param staffUserIds the staff members the code adds customers to (one: a single-staff code)
 * @param skipVerify customers become contacts without the staff member confirming (WeCom's default)
 * @param tagIds corp tags applied to every new customer of this channel
 * @param welcome the welcome message sent with the add event's WelcomeCode, or null
 * @param groupChatId a customer group new customers are invited into (by a join-way link in the welcome), or null
 * @param configId WeCom's id of the contact way (needed to update or delete it)
 * @param qrCode the QR code image URL WeCom returned
 * @param groupJoinUrl the 「加入群聊」 QR code of the group, when there is one
 */
public record Channel(String corpId, String channelId, String name, List<String> staffUserIds, boolean skipVerify,
                      List<String> tagIds, WelcomeMessage welcome, String groupChatId, String configId, String qrCode,
                      String joinWayConfigId, String groupJoinUrl, Status status, Instant createdAt, Instant updatedAt,
                      String createdBy) {

    public enum Status { CREATING, ACTIVE, ARCHIVED }

    /** The 「联系我」 state: {@code ch_} + the channel id (docs/state-codes.md). */
    public String state() {
        return StateCodes.CHANNEL_PREFIX + channelId;
    }

    public Channel withStatus(Status next, Instant at) {
        return new Channel(corpId, channelId, name, staffUserIds, skipVerify, tagIds, welcome, groupChatId, configId, qrCode,
                joinWayConfigId, groupJoinUrl, next, createdAt, at, createdBy);
    }
}
