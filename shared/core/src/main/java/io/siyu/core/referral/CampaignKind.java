package io.siyu.core.referral;

/** What an invitee does to count: add one of the campaign's staff, or join one of its group chats. */
public enum CampaignKind {
    /** 好友裂变: the poster is a 「联系我」 code of the campaign's staff members. */
    FRIEND,
    /** 群裂变: the poster is a 「加入群聊」 code of the campaign's group chats. */
    GROUP
}
