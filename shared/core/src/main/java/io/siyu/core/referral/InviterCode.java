package io.siyu.core.referral;

import java.time.Instant;

/**
 * A participant's personal code in a campaign: the state WeCom echoes, and the 「联系我」 (FRIEND)
 * or 「加入群聊」 (GROUP) configuration that carries it.
 *
 * @param status ISSUING while the WeCom configuration is being created, ISSUED once it exists
 * @param configId WeCom's config_id (keep it: an API-created code cannot be edited or deleted without it)
 * @param qrCode the QR code URL to print on the participant's poster
 */
public record InviterCode(String corpId, String campaignId, String inviterExternalUserId, String state, Status status,
                          String configId, String qrCode, Instant issuedAt) {

    public enum Status { ISSUING, ISSUED }
}
