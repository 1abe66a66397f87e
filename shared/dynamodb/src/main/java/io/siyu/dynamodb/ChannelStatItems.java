package io.siyu.dynamodb;

import io.siyu.core.contacts.ChannelStat.Counter;
import java.util.Locale;

/**
 * The ChannelStats table's layout: {@code pk = corpId#channel}, {@code sk = yyyy-MM-dd} (local
 * day), one number attribute per counter, named after it in lower camel case.
 */
public final class ChannelStatItems {
    private ChannelStatItems() {}

    public static String attribute(Counter counter) {
        String[] parts = counter.name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder name = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            name.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return name.toString();
    }
}
