package io.siyu.core.contacts;

import java.time.Instant;

/**
 * A customer (external contact) of the corp, across all staff members.
 *
 * @param firstChannelId first-touch attribution: the channel of the customer's earliest add, or null
 * @param firstState the raw state of the earliest add
 * @param firstAddedAt the earliest add to any staff member
 * @param activeRelationships how many staff members the customer is an active contact of now
 * @param name WeChat nickname or WeCom name (from externalcontact/get)
 * @param type 1 WeChat user, 2 WeCom user (0 unknown)
 * @param unionId the WeChat unionid, when WeCom returns one (the order system joins on it)
 */
public record Customer(String corpId, String externalUserId, String firstChannelId, String firstState,
                       Instant firstAddedAt, int activeRelationships, String name, int type, String unionId) {

    public boolean isContact() {
        return activeRelationships > 0;
    }
}
