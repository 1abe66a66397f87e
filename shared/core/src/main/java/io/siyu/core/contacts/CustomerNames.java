package io.siyu.core.contacts;

import java.text.Normalizer;
import java.util.Locale;

/**
 * How customers are found by name (the Contacts table's ByName index, docs/tables.md): a name and
 * a search are compared in one normal form, NFKC (full-width letters and digits become their usual
 * forms), lower case, without white space, so "Alice Wang", "alice wang" and "ａｌｉｃｅ" find the
 * same customer. Chinese names are unchanged by it.
 */
public final class CustomerNames {

    /** WeCom names are at most 64 characters; a search key never needs more. */
    public static final int MAX_LENGTH = 64;

    private CustomerNames() {}

    /** The normal form of {@code name}, or null when nothing searchable is left (null, blank). */
    public static String searchKey(String name) {
        if (name == null) {
            return null;
        }
        String key = Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
        if (key.isEmpty()) {
            return null;
        }
        return key.codePointCount(0, key.length()) > MAX_LENGTH ? key.substring(0, key.offsetByCodePoints(0, MAX_LENGTH)) : key;
    }
}
