package io.siyu.functions.rfm;

import io.siyu.core.contacts.ContactDirectory;
import io.siyu.core.contacts.Relationship;
import io.siyu.core.rfm.LifecycleStage;
import io.siyu.core.rfm.RfmRepository;
import io.siyu.core.rfm.RfmState;
import io.siyu.core.rfm.Segment;
import io.siyu.wecom.api.ExternalContactApi;
import io.siyu.wecom.api.ExternalContactApi.CorpTagGroup;
import io.siyu.wecom.api.WeComException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 条件打标签: puts a customer's segment and stage on them in WeCom as corp tags, for every staff
 * member they are an active contact of ({@code externalcontact/mark_tag}, wecom-api.md §7). The
 * two tag groups and their thirteen tags are created once with {@code add_corp_tag} and their
 * ids kept in the Rfm table. A changed dimension adds its new tag and removes every other tag of
 * its group (the old one among them), so a lost race or a manual edit is mended by the next change.
 */
final class RfmTags {

    static final String SEGMENT_GROUP = "RFM客户分层";
    static final String STAGE_GROUP = "客户生命周期";

    /** The relationship is gone on WeCom's side (no such customer for this member, invalid external_userid): skip that member. */
    private static final Set<Integer> RELATIONSHIP_GONE = Set.of(84061, 40096);
    /** A tag id WeCom no longer knows (deleted in the admin console): create the tags again. */
    private static final int INVALID_TAG = 40068;

    private static final Logger LOG = LoggerFactory.getLogger(RfmTags.class);

    private final String corpId;
    private final ExternalContactApi api;
    private final ContactDirectory contacts;
    private final RfmRepository repository;
    private final Clock clock;
    private volatile Map<String, String> tagIds;

    RfmTags(String corpId, ExternalContactApi api, ContactDirectory contacts, RfmRepository repository, Clock clock) {
        this.corpId = corpId;
        this.api = api;
        this.contacts = contacts;
        this.repository = repository;
        this.clock = clock;
    }

    /**
     * Marks the customer's tags for the dimensions that changed (all of them when {@code force}).
     *
     * @return how many mark_tag calls were made
     */
    int apply(String externalUserId, RfmState state, boolean force) {
        List<String> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        Map<String, String> ids = tagIds();
        if (force || state.taggedSegment() != state.segment()) {
            for (Segment s : Segment.values()) {
                (s == state.segment() ? add : remove).add(ids.get(s.label()));
            }
        }
        if (force || state.taggedStage() != state.stage()) {
            for (LifecycleStage s : LifecycleStage.values()) {
                (s == state.stage() ? add : remove).add(ids.get(s.label()));
            }
        }
        if (add.isEmpty() && remove.isEmpty()) {
            return 0;
        }
        int calls = 0;
        for (Relationship r : contacts.relationships(corpId, externalUserId)) {
            if (!r.active()) {
                continue;
            }
            try {
                calls++;
                api.markTag(r.userId(), externalUserId, add, remove);
            } catch (WeComException e) {
                if (RELATIONSHIP_GONE.contains(e.errcode())) {
                    LOG.warn("rfm tags skipped: userId={} errcode={} (relationship gone in WeCom)", r.userId(), e.errcode());
                    continue;
                }
                if (e.errcode() == INVALID_TAG) {
                    LOG.warn("rfm tag ids are unknown to WeCom (deleted?): they will be created again");
                    tagIds = null;
                    repository.forgetWecomTagIds(corpId);
                    throw new WeComException(e.api(), e.errcode(), "tags deleted in WeCom; recreating", true);
                }
                throw e;
            }
        }
        return calls;
    }

    /** The ids of the thirteen tags by name, creating the groups and tags in WeCom the first time. */
    Map<String, String> tagIds() {
        Map<String, String> ids = tagIds;
        if (ids != null) {
            return ids;
        }
        ids = repository.wecomTagIds(corpId);
        if (!complete(ids)) {
            Map<String, String> created = new HashMap<>(ids);
            collect(created, api.addCorpTags(SEGMENT_GROUP, Arrays.stream(Segment.values()).map(Segment::label).toList()));
            collect(created, api.addCorpTags(STAGE_GROUP, Arrays.stream(LifecycleStage.values()).map(LifecycleStage::label).toList()));
            if (!complete(created)) {
                // Tags that already existed may not be echoed back: read the corp's tags to find them.
                for (CorpTagGroup g : api.corpTags()) {
                    if (g.groupName().equals(SEGMENT_GROUP) || g.groupName().equals(STAGE_GROUP)) {
                        collect(created, g);
                    }
                }
            }
            if (!complete(created)) {
                throw new IllegalStateException("WeCom did not return ids for every RFM tag: have " + created.keySet());
            }
            repository.saveWecomTagIds(corpId, created, clock.instant());
            ids = Map.copyOf(created);
        }
        tagIds = ids;
        return ids;
    }

    private static void collect(Map<String, String> into, CorpTagGroup group) {
        group.tags().forEach(t -> into.put(t.name(), t.id()));
    }

    private static boolean complete(Map<String, String> ids) {
        return Arrays.stream(Segment.values()).allMatch(s -> ids.containsKey(s.label()))
                && Arrays.stream(LifecycleStage.values()).allMatch(s -> ids.containsKey(s.label()));
    }
}
