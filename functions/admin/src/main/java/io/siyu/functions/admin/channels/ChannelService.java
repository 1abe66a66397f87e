package io.siyu.functions.admin.channels;

import io.siyu.core.channels.Channel;
import io.siyu.core.channels.ChannelRepository;
import io.siyu.core.channels.WelcomeMessage;
import io.siyu.core.contacts.StateCodes;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.Validation;
import io.siyu.wecom.api.ExternalContactApi;
import io.siyu.wecom.api.GroupChatApi;
import io.siyu.wecom.api.WeComException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Creating, changing and archiving channels. A channel is stored before WeCom is called (status
 * CREATING), so a channel id is never used twice, and removed again if WeCom refuses; a WeCom
 * contact way is therefore never left without its channel.
 */
public final class ChannelService {

    /** WeCom's answers that mean "these staff members cannot be used" (wecom-api.md §4, §10). */
    static final Set<Integer> BAD_STAFF = Set.of(40003, 60111, 41054, 60011, 84074);
    static final int MAX_STAFF = 100;
    private static final Pattern CODE = Pattern.compile("[a-z0-9-]+");
    private static final Pattern HTTP_URL = Pattern.compile("https?://[^\\s]+");
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray(); // Crockford base32, lower case
    private static final int MAX_CODE = StateCodes.MAX_LENGTH - StateCodes.CHANNEL_PREFIX.length();

    private final ChannelRepository channels;
    private final ExternalContactApi contacts;
    private final GroupChatApi groups;
    private final Clock clock;
    private final Supplier<String> ids;

    public ChannelService(ChannelRepository channels, ExternalContactApi contacts, GroupChatApi groups, Clock clock,
                          Supplier<String> ids) {
        this.channels = channels;
        this.contacts = contacts;
        this.groups = groups;
        this.clock = clock;
        this.ids = ids;
    }

    /** Eight random characters of Crockford base32: 40 bits, plenty for a corp's channels. */
    public static Supplier<String> randomIds() {
        SecureRandom random = new SecureRandom();
        return () -> {
            char[] id = new char[8];
            for (int i = 0; i < id.length; i++) {
                id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            return new String(id);
        };
    }

    public Channel create(String corpId, ChannelRequest r, String operator) {
        validate(r, true);
        String id = r.code() != null ? r.code() : ids.get();
        Instant now = clock.instant();
        Channel draft = new Channel(corpId, id, r.name().strip(), List.copyOf(r.staffUserIds()),
                r.skipVerify() == null || r.skipVerify(), r.tagIds() == null ? List.of() : List.copyOf(r.tagIds()),
                welcome(r.welcome()), blankToNull(r.groupChatId()), null, null, null, null, Channel.Status.CREATING, now, now, operator);
        if (!channels.create(draft)) {
            throw ApiException.conflict("a channel with code " + id + " exists already");
        }
        try {
            ExternalContactApi.ContactWay way = contacts.addContactWay(contactWay(draft));
            String joinConfig = null;
            String joinUrl = null;
            if (draft.groupChatId() != null) {
                joinConfig = groups.addJoinWay(List.of(draft.groupChatId()), draft.state(), remark(draft.name()));
                joinUrl = groups.getJoinWay(joinConfig).qrCode();
            }
            Channel created = new Channel(corpId, id, draft.name(), draft.staffUserIds(), draft.skipVerify(), draft.tagIds(),
                    draft.welcome(), draft.groupChatId(), way.configId(), way.qrCode(), joinConfig, joinUrl,
                    Channel.Status.ACTIVE, now, now, operator);
            channels.save(created);
            return created;
        } catch (WeComException e) {
            channels.delete(corpId, id);
            throw refused(e);
        }
    }

    public Channel update(String corpId, String channelId, ChannelRequest r) {
        Channel current = get(corpId, channelId);
        if (current.status() != Channel.Status.ACTIVE) {
            throw ApiException.conflict("channel " + channelId + " is " + current.status().name().toLowerCase() + " and cannot be changed");
        }
        if (r.code() != null && !r.code().equals(channelId)) {
            throw ApiException.invalid(Map.of("code", "cannot be changed (it is the QR code's state)"));
        }
        if (r.groupChatId() != null && !r.groupChatId().equals(current.groupChatId())) {
            throw ApiException.invalid(Map.of("groupChatId", "cannot be changed; create a new channel for another group"));
        }
        validate(r, false);
        Channel next = new Channel(corpId, channelId, r.name().strip(), List.copyOf(r.staffUserIds()),
                r.skipVerify() == null || r.skipVerify(), r.tagIds() == null ? List.of() : List.copyOf(r.tagIds()),
                welcome(r.welcome()), current.groupChatId(), current.configId(), current.qrCode(), current.joinWayConfigId(),
                current.groupJoinUrl(), Channel.Status.ACTIVE, current.createdAt(), clock.instant(), current.createdBy());
        boolean wayChanged = !next.staffUserIds().equals(current.staffUserIds()) || next.skipVerify() != current.skipVerify()
                || !next.name().equals(current.name());
        if (wayChanged) {
            try {
                // WeCom overwrites user and remark as a whole: send the full list.
                contacts.updateContactWay(current.configId(), contactWay(next));
            } catch (WeComException e) {
                throw refused(e);
            }
        }
        channels.save(next);
        return next;
    }

    /**
     * Archives a channel: its contact way (and join way) are deleted in WeCom, so the printed code
     * stops adding customers and the corp's quota (500,000 ways) gets the slot back; its customers
     * and statistics stay.
     */
    public Channel archive(String corpId, String channelId) {
        Channel current = get(corpId, channelId);
        if (current.status() == Channel.Status.ARCHIVED) {
            return current; // archiving twice is archiving once
        }
        try {
            if (current.configId() != null) {
                contacts.deleteContactWay(current.configId());
            }
            if (current.joinWayConfigId() != null) {
                groups.deleteJoinWay(current.joinWayConfigId());
            }
        } catch (WeComException e) {
            if (e.errcode() != 41044) { // 41044: the config id is gone already
                throw refused(e);
            }
        }
        Channel archived = current.withStatus(Channel.Status.ARCHIVED, clock.instant());
        channels.save(archived);
        return archived;
    }

    public Channel get(String corpId, String channelId) {
        return channels.get(corpId, channelId).filter(c -> c.status() != Channel.Status.CREATING)
                .orElseThrow(() -> ApiException.notFound("channel " + channelId));
    }

    public List<Channel> list(String corpId) {
        return channels.list(corpId).stream().filter(c -> c.status() != Channel.Status.CREATING).toList();
    }

    private static ExternalContactApi.ContactWayRequest contactWay(Channel c) {
        return new ExternalContactApi.ContactWayRequest(c.staffUserIds().size() > 1, c.staffUserIds(), c.skipVerify(),
                c.state(), remark(c.name()));
    }

    /** WeCom keeps at most 30 characters of a remark. */
    private static String remark(String name) {
        return name.codePointCount(0, name.length()) <= 30 ? name : name.substring(0, name.offsetByCodePoints(0, 30));
    }

    private static ApiException refused(WeComException e) {
        if (BAD_STAFF.contains(e.errcode())) {
            return new ApiException(400, "invalid_request", "WeCom cannot add customers to these staff members (errcode "
                    + e.errcode() + "): check that each user id exists, is activated and has 客户联系 enabled",
                    Map.of("staffUserIds", "unknown or unusable staff member (WeCom errcode " + e.errcode() + ")"));
        }
        if (e.errcode() == 41041) {
            return ApiException.invalid(Map.of("staffUserIds", "more than 100 staff members (WeCom errcode 41041)"));
        }
        if (e.errcode() == 41091) {
            return ApiException.invalid(Map.of("groupChatId", "WeCom refused the group (errcode 41091)"));
        }
        if (e.errcode() == 41045) {
            return new ApiException(409, "quota_reached", "the corp has used up WeCom's 500,000 contact ways (errcode 41045)");
        }
        return new ApiException(502, "wecom_error", "WeCom refused the request (" + e.api() + " errcode " + e.errcode() + ")");
    }

    private static void validate(ChannelRequest r, boolean creating) {
        Validation v = new Validation();
        v.required("name", r.name()).maxLength("name", r.name(), 64);
        v.required("staffUserIds", r.staffUserIds());
        if (r.staffUserIds() != null) {
            v.check(r.staffUserIds().size() <= MAX_STAFF, "staffUserIds", "at most " + MAX_STAFF + " staff members (WeCom's limit)");
            v.check(r.staffUserIds().stream().allMatch(u -> u != null && !u.isBlank() && u.length() <= 64),
                    "staffUserIds", "user ids are 1 to 64 characters");
            v.check(r.staffUserIds().stream().distinct().count() == r.staffUserIds().size(), "staffUserIds", "lists a staff member twice");
        }
        if (creating && r.code() != null) {
            v.check(r.code().length() <= MAX_CODE, "code", "must be at most " + MAX_CODE
                    + " characters: the state \"" + StateCodes.CHANNEL_PREFIX + "\" + code may not exceed WeCom's 30");
            v.check(CODE.matcher(r.code()).matches(), "code", "may hold only a-z, 0-9 and -");
        }
        if (r.tagIds() != null) {
            v.check(r.tagIds().stream().allMatch(t -> t != null && !t.isBlank()), "tagIds", "tag ids cannot be empty");
        }
        ChannelRequest.Welcome w = r.welcome();
        if (w != null) {
            boolean hasText = w.text() != null && !w.text().isBlank();
            v.check(hasText || w.attachment() != null, "welcome", "needs text or an attachment");
            v.check(w.text() == null || w.text().getBytes(StandardCharsets.UTF_8).length <= 4000, "welcome.text",
                    "must be at most 4000 bytes (WeCom's limit)");
            ChannelRequest.Attachment a = w.attachment();
            if (a != null) {
                String type = a.type() == null ? "" : a.type();
                switch (type) {
                    case "image" -> v.required("welcome.attachment.mediaId", a.mediaId());
                    case "link" -> {
                        v.required("welcome.attachment.title", a.title()).required("welcome.attachment.url", a.url());
                        v.check(a.title() == null || a.title().getBytes(StandardCharsets.UTF_8).length <= 128,
                                "welcome.attachment.title", "must be at most 128 bytes");
                        v.check(a.description() == null || a.description().getBytes(StandardCharsets.UTF_8).length <= 512,
                                "welcome.attachment.description", "must be at most 512 bytes");
                        v.check(a.url() == null || HTTP_URL.matcher(a.url()).matches(), "welcome.attachment.url", "must be an http(s) URL");
                        v.check(a.picUrl() == null || HTTP_URL.matcher(a.picUrl()).matches(), "welcome.attachment.picUrl", "must be an http(s) URL");
                    }
                    case "miniprogram" -> {
                        v.required("welcome.attachment.title", a.title()).required("welcome.attachment.mediaId", a.mediaId())
                                .required("welcome.attachment.appId", a.appId()).required("welcome.attachment.page", a.page());
                        v.check(a.title() == null || a.title().getBytes(StandardCharsets.UTF_8).length <= 64,
                                "welcome.attachment.title", "must be at most 64 bytes");
                    }
                    default -> v.check(false, "welcome.attachment.type", "must be image, link or miniprogram");
                }
            }
        }
        v.orThrow();
    }

    private static WelcomeMessage welcome(ChannelRequest.Welcome w) {
        if (w == null) {
            return null;
        }
        ChannelRequest.Attachment a = w.attachment();
        WelcomeMessage.Attachment attachment = a == null ? null : new WelcomeMessage.Attachment(
                WelcomeMessage.Attachment.Type.valueOf(a.type().toUpperCase()), a.mediaId(), a.title(), a.url(), a.picUrl(),
                a.description(), a.appId(), a.page());
        return new WelcomeMessage(blankToNull(w.text()), attachment);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
