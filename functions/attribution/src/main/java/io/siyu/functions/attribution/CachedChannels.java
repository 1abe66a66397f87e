package io.siyu.functions.attribution;

import io.siyu.core.channels.Channel;
import io.siyu.core.channels.ChannelRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channel reads with a short in-memory cache: every add needs its channel before the welcome
 * code expires, and channels change rarely. An edit reaches a warm function within {@link #TTL}.
 */
final class CachedChannels implements ChannelRepository {

    static final Duration TTL = Duration.ofSeconds(30);

    private record Entry(Optional<Channel> channel, Instant until) {}

    private final ChannelRepository delegate;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    CachedChannels(ChannelRepository delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    @Override
    public Optional<Channel> get(String corpId, String channelId) {
        String key = corpId + "#" + channelId;
        Entry e = cache.get(key);
        Instant now = clock.instant();
        if (e == null || now.isAfter(e.until())) {
            e = new Entry(delegate.get(corpId, channelId), now.plus(TTL));
            cache.put(key, e);
        }
        return e.channel();
    }

    @Override
    public List<Channel> list(String corpId) {
        return delegate.list(corpId);
    }

    @Override
    public boolean create(Channel channel) {
        throw new UnsupportedOperationException("attribution only reads channels");
    }

    @Override
    public void save(Channel channel) {
        throw new UnsupportedOperationException("attribution only reads channels");
    }

    @Override
    public void delete(String corpId, String channelId) {
        throw new UnsupportedOperationException("attribution only reads channels");
    }
}
