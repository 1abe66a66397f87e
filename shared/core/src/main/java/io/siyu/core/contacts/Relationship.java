package io.siyu.core.contacts;

import io.siyu.core.events.ContactRemoved.RemovedBy;
import java.time.Instant;
import java.util.Set;

/**
 * One customer × staff relationship as Siyu knows it, derived from every event of it received so
 * far (in event-time order, whatever the arrival order).
 *
 * @param channelId the channel whose state code the latest add carried, or null
 * @param state the raw 「联系我」 state of the latest add, or null
 * @param firstAddedAt the earliest add of this relationship
 * @param addedAt the latest add (a re-add moves it)
 * @param lostAt when it was lost (null unless LOST)
 * @param lostBy who removed whom (null unless LOST)
 * @param addCount adds received (a re-add after a loss is a return)
 * @param tagIds corp tag ids on this staff member's side, as last read from WeCom or applied by Siyu
 */
public record Relationship(String corpId, String externalUserId, String userId, RelationshipStatus status,
                           String channelId, String state, Instant firstAddedAt, Instant addedAt, Instant lostAt,
                           RemovedBy lostBy, int addCount, Set<String> tagIds) {

    public boolean active() {
        return status == RelationshipStatus.ACTIVE;
    }
}
