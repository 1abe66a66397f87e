package io.siyu.functions.callback;

import io.siyu.core.events.ContactAdded;
import io.siyu.core.events.ContactEdited;
import io.siyu.core.events.ContactRemoved;
import io.siyu.core.events.ContactRemoved.RemovedBy;
import io.siyu.core.events.ContactTransferFailed;
import io.siyu.core.events.DomainEvent;
import io.siyu.core.events.GroupCreated;
import io.siyu.core.events.GroupDismissed;
import io.siyu.core.events.GroupMemberJoined;
import io.siyu.core.events.GroupMemberLeft;
import io.siyu.core.events.GroupUpdated;
import io.siyu.core.events.TagChanged;
import io.siyu.core.events.Unhandled;
import io.siyu.wecom.callback.CallbackEvent;
import io.siyu.wecom.callback.CallbackEvent.ExternalChatChange;
import io.siyu.wecom.callback.CallbackEvent.ExternalContactChange;
import io.siyu.wecom.callback.CallbackEvent.ExternalTagChange;
import java.time.Instant;
import java.util.Locale;

/** Normalises a WeCom callback event into the domain event published on the bus (docs/events.md). */
final class DomainEvents {

    private DomainEvents() {}

    static DomainEvent of(CallbackEvent event, String eventId, String corpId) {
        Instant at = Instant.ofEpochSecond(event.createTime());
        if (event instanceof ExternalContactChange c) {
            return switch (c.change()) {
                case ADD_EXTERNAL_CONTACT -> new ContactAdded(eventId, corpId, at, c.userId(), c.externalUserId(),
                        c.state(), c.welcomeCode(), false);
                case ADD_HALF_EXTERNAL_CONTACT -> new ContactAdded(eventId, corpId, at, c.userId(), c.externalUserId(),
                        c.state(), c.welcomeCode(), true);
                case EDIT_EXTERNAL_CONTACT -> new ContactEdited(eventId, corpId, at, c.userId(), c.externalUserId());
                case DEL_EXTERNAL_CONTACT -> new ContactRemoved(eventId, corpId, at, c.userId(), c.externalUserId(),
                        RemovedBy.STAFF, c.source());
                case DEL_FOLLOW_USER -> new ContactRemoved(eventId, corpId, at, c.userId(), c.externalUserId(),
                        RemovedBy.CUSTOMER, c.source());
                case TRANSFER_FAIL -> new ContactTransferFailed(eventId, corpId, at, c.userId(), c.externalUserId(),
                        c.failReason());
            };
        }
        if (event instanceof ExternalChatChange g) {
            return switch (g.change()) {
                case CREATE -> new GroupCreated(eventId, corpId, at, g.chatId());
                case DISMISS -> new GroupDismissed(eventId, corpId, at, g.chatId());
                case UPDATE -> {
                    String detail = g.updateDetail() == null ? "" : g.updateDetail();
                    yield switch (detail) {
                        case "add_member" -> new GroupMemberJoined(eventId, corpId, at, g.chatId(), g.memberChangeList(),
                                g.joinScene(), g.memberChangeCount(), g.lastMemberVersion(), g.currentMemberVersion());
                        case "del_member" -> new GroupMemberLeft(eventId, corpId, at, g.chatId(), g.memberChangeList(),
                                g.quitScene(), g.memberChangeCount(), g.lastMemberVersion(), g.currentMemberVersion());
                        default -> new GroupUpdated(eventId, corpId, at, g.chatId(), g.updateDetail());
                    };
                }
            };
        }
        if (event instanceof ExternalTagChange t) {
            return new TagChanged(eventId, corpId, at, t.change().name().toLowerCase(Locale.ROOT), t.id(), t.tagType(),
                    t.strategyId());
        }
        CallbackEvent.Other o = (CallbackEvent.Other) event;
        return new Unhandled(eventId, corpId, at, o.msgType(), o.event(), o.changeType(), o.fields());
    }
}
