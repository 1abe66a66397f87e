package io.siyu.core.channels;

import java.util.List;
import java.util.Optional;

/** Channels of a corp (the Channels table). */
public interface ChannelRepository {

    Optional<Channel> get(String corpId, String channelId);

    /** All channels of the corp, newest first. A corp has hundreds, not millions. */
    List<Channel> list(String corpId);

    /** Stores a new channel; false if the id is taken. */
    boolean create(Channel channel);

    /** Replaces a channel. */
    void save(Channel channel);

    void delete(String corpId, String channelId);
}
