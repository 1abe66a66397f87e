package io.siyu.wecom.callback;

import java.util.List;
import java.util.Map;

/**
 * A decrypted WeCom callback event, typed for the events Siyu acts on (docs: wecom-api.md §1).
 * Anything else, including a known event with a change type WeCom adds later, is an
 * {@link Other}: accepted and passed on, never an error.
 */
public sealed interface CallbackEvent {

    /** {@code ToUserName}: the CorpID the event belongs to. */
    String corpId();

    /** {@code CreateTime}, unix seconds. */
    long createTime();

    /** {@code Event=change_external_contact}: a customer relationship changed. */
    record ExternalContactChange(String corpId, long createTime, ContactChange change, String userId,
                                 String externalUserId, String state, String welcomeCode, String source,
                                 String failReason) implements CallbackEvent {}

    /** {@code Event=change_external_chat}: a customer group changed. */
    record ExternalChatChange(String corpId, long createTime, ChatChange change, String chatId, String updateDetail,
                              Integer joinScene, Integer quitScene, Integer memberChangeCount,
                              List<String> memberChangeList, String lastMemberVersion,
                              String currentMemberVersion) implements CallbackEvent {}

    /** {@code Event=change_external_tag}: a corp tag or tag group changed. */
    record ExternalTagChange(String corpId, long createTime, TagChange change, String id, String tagType,
                             String strategyId) implements CallbackEvent {}

    /** Any other event or message, with all its fields. */
    record Other(String corpId, long createTime, String msgType, String event, String changeType,
                 Map<String, String> fields) implements CallbackEvent {}

    enum ContactChange {
        ADD_EXTERNAL_CONTACT, ADD_HALF_EXTERNAL_CONTACT, EDIT_EXTERNAL_CONTACT, DEL_EXTERNAL_CONTACT,
        DEL_FOLLOW_USER, TRANSFER_FAIL
    }

    enum ChatChange { CREATE, UPDATE, DISMISS }

    enum TagChange { CREATE, UPDATE, DELETE, SHUFFLE }
}
