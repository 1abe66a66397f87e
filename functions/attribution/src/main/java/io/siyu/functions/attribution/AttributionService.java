package io.siyu.functions.attribution;

import io.siyu.core.channels.Channel;
import io.siyu.core.channels.ChannelRepository;
import io.siyu.core.channels.WelcomeMessage;
import io.siyu.core.contacts.ContactFact;
import io.siyu.core.contacts.ContactHistory;
import io.siyu.core.contacts.ContactLedger;
import io.siyu.core.contacts.RelationshipStatus;
import io.siyu.core.contacts.StateCodes;
import io.siyu.core.events.ContactAdded;
import io.siyu.core.events.ContactEdited;
import io.siyu.core.events.ContactRemoved;
import io.siyu.core.events.DomainEvent;
import io.siyu.wecom.api.ExternalContactApi;
import io.siyu.wecom.api.ExternalContactApi.Attachment;
import io.siyu.wecom.api.WeComException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channel attribution (渠道活码): records every contact event in the customer's history (which
 * moves the channel counters exactly), greets new customers with their channel's welcome message
 * while the WelcomeCode is still valid, tags them with the channel's tags, and fetches their
 * profile (name, unionid).
 *
 * <p>Side effects happen only for an event recorded now; a redelivery records nothing and so
 * cannot greet twice. Tags and the profile carry a pending mark in the same transaction as the
 * event, so a failure after recording is finished by the redelivery; the welcome is never
 * retried (the code is single-use and expires after 20 seconds).
 */
public final class AttributionService {

    /** WeCom: the WelcomeCode is usable for 20 seconds after the event (wecom-api.md §6). */
    static final Duration WELCOME_CODE_VALIDITY = Duration.ofSeconds(20);
    static final String GROUP_INVITE_TITLE = "点击加入群聊";
    private static final Logger LOG = LoggerFactory.getLogger(AttributionService.class);

    /** What happened, for metrics and tests. */
    public interface Outcomes {
        void count(String what);
    }

    private final ContactLedger ledger;
    private final ChannelRepository channels;
    private final ExternalContactApi wecom;
    private final Clock clock;
    private final Outcomes outcomes;

    public AttributionService(ContactLedger ledger, ChannelRepository channels, ExternalContactApi wecom, Clock clock,
                              Outcomes outcomes) {
        this.ledger = ledger;
        this.channels = channels;
        this.wecom = wecom;
        this.clock = clock;
        this.outcomes = outcomes;
    }

    public void handle(DomainEvent event) {
        if (event instanceof ContactAdded added) {
            onAdded(added);
        } else if (event instanceof ContactRemoved removed) {
            onRemoved(removed);
        } else if (event instanceof ContactEdited edited) {
            onEdited(edited);
        } else {
            LOG.info("ignoring {} (not a contact event)", event.detailType());
        }
    }

    void onAdded(ContactAdded e) {
        Optional<Channel> channel = StateCodes.isChannel(e.state())
                ? channels.get(e.corpId(), ContactHistory.channelOf(e.state())) : Optional.empty();
        boolean hasTags = channel.map(c -> !c.tagIds().isEmpty()).orElse(false);
        ContactFact fact = new ContactFact(e.eventId(), e.occurredAt(),
                e.pendingConfirmation() ? ContactFact.Kind.HALF_ADD : ContactFact.Kind.ADD, e.userId(), e.state(), null);
        ContactLedger.Recorded recorded = ledger.record(e.corpId(), e.externalUserId(), fact, hasTags);
        if (!recorded.applied()) {
            outcomes.count("ContactEventDuplicate");
        } else {
            outcomes.count(channel.isPresent() ? "ContactAddedAttributed" : StateCodes.isReferral(e.state())
                    ? "ContactAddedReferral" : "ContactAddedUnattributed");
            if (recorded.relationship() != null && recorded.relationship().status() != RelationshipStatus.LOST) {
                channel.ifPresent(c -> greet(e, c));
            }
        }
        Set<String> tagsApplied = recorded.tagsPending() ? applyTags(e, channel.orElse(null)) : null;
        ContactLedger.Profile profile = recorded.profilePending() ? fetchProfile(e.externalUserId()) : null;
        if (tagsApplied != null || profile != null) {
            ledger.finishPending(e.corpId(), e.externalUserId(), e.userId(), tagsApplied, profile);
        }
    }

    void onRemoved(ContactRemoved e) {
        ContactFact fact = new ContactFact(e.eventId(), e.occurredAt(), ContactFact.Kind.REMOVE, e.userId(), null, e.removedBy());
        ContactLedger.Recorded recorded = ledger.record(e.corpId(), e.externalUserId(), fact, false);
        outcomes.count(recorded.applied() ? "ContactRemoved" : "ContactEventDuplicate");
    }

    /** A staff member edited the customer in the client (tags among others): take WeCom's tags as they are now. */
    void onEdited(ContactEdited e) {
        ExternalContactApi.ExternalContact contact = wecom.getExternalContact(e.externalUserId());
        Set<String> tags = new HashSet<>();
        contact.followUsers().stream().filter(f -> f.userId().equals(e.userId())).forEach(f -> tags.addAll(f.tagIds()));
        try {
            ledger.replaceTags(e.corpId(), e.externalUserId(), e.userId(), tags);
            outcomes.count("ContactTagsRefreshed");
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException unknownRelationship) {
            // The edit arrived before the add: the add's own processing will read the tags when it applies them.
            LOG.info("edit of a relationship not yet recorded; tags will follow its add: eventId={}", e.eventId());
        }
    }

    private void greet(ContactAdded e, Channel channel) {
        if (channel.welcome() == null) {
            return;
        }
        if (e.welcomeCode() == null) {
            // WeCom gives no code when the admin configured a welcome for this staff member, or they already chatted.
            outcomes.count("WelcomeNoCode");
            return;
        }
        Duration age = Duration.between(e.occurredAt(), clock.instant());
        if (age.compareTo(WELCOME_CODE_VALIDITY) > 0) {
            LOG.warn("welcome code expired before it could be used: eventId={} ageMs={}", e.eventId(), age.toMillis());
            outcomes.count("WelcomeExpired");
            return;
        }
        try {
            wecom.sendWelcomeMessage(e.welcomeCode(), channel.welcome().text(), attachments(channel));
            outcomes.count("WelcomeSent");
        } catch (WeComException failure) {
            // Never retried: the code is single-use (41051) and expires (41050); a retry cannot succeed later.
            LOG.warn("welcome not sent: eventId={} channel={} errcode={}", e.eventId(), channel.channelId(), failure.errcode());
            outcomes.count("WelcomeFailed");
        }
    }

    /** The channel's attachment, then the group invitation (the join way's QR code) when the channel has a group. */
    static List<Attachment> attachments(Channel channel) {
        List<Attachment> out = new ArrayList<>();
        WelcomeMessage.Attachment a = channel.welcome().attachment();
        if (a != null) {
            out.add(switch (a.type()) {
                case IMAGE -> Attachment.image(a.mediaId());
                case LINK -> Attachment.link(a.title(), a.url(), a.picUrl(), a.description());
                case MINIPROGRAM -> Attachment.miniprogram(a.title(), a.mediaId(), a.appId(), a.page());
            });
        }
        if (channel.groupJoinUrl() != null) {
            out.add(Attachment.link(GROUP_INVITE_TITLE, channel.groupJoinUrl(), null, channel.name()));
        }
        return out;
    }

    /** Applies the channel's tags in WeCom; the tags to record as applied (empty when WeCom refused for good). */
    private Set<String> applyTags(ContactAdded e, Channel channel) {
        if (channel == null || channel.tagIds().isEmpty()) {
            return Set.of(); // nothing left to apply: just clear the mark
        }
        try {
            wecom.markTag(e.userId(), e.externalUserId(), channel.tagIds(), List.of());
            outcomes.count("TagsApplied");
            return Set.copyOf(channel.tagIds());
        } catch (WeComException failure) {
            if (failure.retryable()) {
                throw failure; // the event is redelivered; it finds the tags still pending
            }
            LOG.warn("channel tags not applied: eventId={} channel={} errcode={}", e.eventId(), channel.channelId(), failure.errcode());
            outcomes.count("TagsFailed");
            return Set.of();
        }
    }

    private ContactLedger.Profile fetchProfile(String externalUserId) {
        try {
            ExternalContactApi.ExternalContact contact = wecom.getExternalContact(externalUserId);
            outcomes.count("ProfileFetched");
            return new ContactLedger.Profile(contact.name(), contact.type(), contact.unionId());
        } catch (WeComException failure) {
            if (failure.retryable()) {
                throw failure;
            }
            LOG.warn("customer profile not available: errcode={}", failure.errcode());
            outcomes.count("ProfileFailed");
            return new ContactLedger.Profile(null, 0, null);
        }
    }
}
