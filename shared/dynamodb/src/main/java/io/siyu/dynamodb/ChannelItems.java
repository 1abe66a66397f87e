package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.instant;
import static io.siyu.dynamodb.Items.putIfPresent;
import static io.siyu.dynamodb.Items.s;
import static io.siyu.dynamodb.Items.str;

import io.siyu.core.channels.Channel;
import io.siyu.core.channels.WelcomeMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Channels table's layout: {@code pk = corpId}, {@code sk = channelId}; the welcome message's
 * attachment is flattened into {@code att*} attributes.
 */
final class ChannelItems {
    static final String PK = "pk";
    static final String SK = "sk";
    private static final String NAME = "name";
    private static final String STAFF = "staffUserIds";
    private static final String SKIP_VERIFY = "skipVerify";
    private static final String TAGS = "tagIds";
    private static final String WELCOME_TEXT = "welcomeText";
    private static final String ATT_TYPE = "attType";
    private static final String ATT_MEDIA = "attMediaId";
    private static final String ATT_TITLE = "attTitle";
    private static final String ATT_URL = "attUrl";
    private static final String ATT_PIC = "attPicUrl";
    private static final String ATT_DESC = "attDescription";
    private static final String ATT_APP = "attAppId";
    private static final String ATT_PAGE = "attPage";
    private static final String GROUP = "groupChatId";
    private static final String CONFIG = "configId";
    private static final String QR = "qrCode";
    private static final String JOIN_CONFIG = "joinWayConfigId";
    private static final String JOIN_URL = "groupJoinUrl";
    private static final String STATUS = "status";
    private static final String CREATED_AT = "createdAt";
    private static final String UPDATED_AT = "updatedAt";
    private static final String CREATED_BY = "createdBy";

    private ChannelItems() {}

    static Map<String, AttributeValue> item(Channel c) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(c.corpId()));
        item.put(SK, s(c.channelId()));
        item.put(NAME, s(c.name()));
        item.put(STAFF, AttributeValue.fromL(c.staffUserIds().stream().map(Items::s).toList()));
        item.put(SKIP_VERIFY, AttributeValue.fromBool(c.skipVerify()));
        item.put(TAGS, AttributeValue.fromL(c.tagIds().stream().map(Items::s).toList()));
        if (c.welcome() != null) {
            putIfPresent(item, WELCOME_TEXT, c.welcome().text());
            WelcomeMessage.Attachment a = c.welcome().attachment();
            if (a != null) {
                item.put(ATT_TYPE, s(a.type().name()));
                putIfPresent(item, ATT_MEDIA, a.mediaId());
                putIfPresent(item, ATT_TITLE, a.title());
                putIfPresent(item, ATT_URL, a.url());
                putIfPresent(item, ATT_PIC, a.picUrl());
                putIfPresent(item, ATT_DESC, a.description());
                putIfPresent(item, ATT_APP, a.appId());
                putIfPresent(item, ATT_PAGE, a.page());
            }
        }
        putIfPresent(item, GROUP, c.groupChatId());
        putIfPresent(item, CONFIG, c.configId());
        putIfPresent(item, QR, c.qrCode());
        putIfPresent(item, JOIN_CONFIG, c.joinWayConfigId());
        putIfPresent(item, JOIN_URL, c.groupJoinUrl());
        item.put(STATUS, s(c.status().name()));
        putIfPresent(item, CREATED_AT, c.createdAt());
        putIfPresent(item, UPDATED_AT, c.updatedAt());
        putIfPresent(item, CREATED_BY, c.createdBy());
        return item;
    }

    static Channel channel(Map<String, AttributeValue> item) {
        WelcomeMessage.Attachment attachment = null;
        if (str(item, ATT_TYPE) != null) {
            attachment = new WelcomeMessage.Attachment(WelcomeMessage.Attachment.Type.valueOf(str(item, ATT_TYPE)),
                    str(item, ATT_MEDIA), str(item, ATT_TITLE), str(item, ATT_URL), str(item, ATT_PIC), str(item, ATT_DESC),
                    str(item, ATT_APP), str(item, ATT_PAGE));
        }
        WelcomeMessage welcome = str(item, WELCOME_TEXT) == null && attachment == null ? null
                : new WelcomeMessage(str(item, WELCOME_TEXT), attachment);
        return new Channel(str(item, PK), str(item, SK), str(item, NAME), strings(item, STAFF),
                item.get(SKIP_VERIFY) != null && item.get(SKIP_VERIFY).bool(), strings(item, TAGS), welcome,
                str(item, GROUP), str(item, CONFIG), str(item, QR), str(item, JOIN_CONFIG), str(item, JOIN_URL),
                Channel.Status.valueOf(str(item, STATUS)), instant(item, CREATED_AT), instant(item, UPDATED_AT),
                str(item, CREATED_BY));
    }

    private static List<String> strings(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || !v.hasL() ? List.of() : v.l().stream().map(AttributeValue::s).toList();
    }
}
