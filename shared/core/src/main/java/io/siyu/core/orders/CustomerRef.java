package io.siyu.core.orders;

import java.util.Objects;

/**
 * Whose order it is, for RFM. An order names the customer by WeCom {@code external_userid}
 * and/or WeChat {@code unionid}; the external_userid wins, and a unionid is resolved to one
 * through the contacts when it can be. A customer known only by unionid is aggregated under it
 * until the daily join moves their orders to the external_userid (docs/rfm.md, "Identity").
 *
 * @param id the external_userid or the unionid
 */
public record CustomerRef(Kind kind, String id) {

    public enum Kind {
        EXTERNAL_USER("ext:"),
        UNION_ID("union:");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    public CustomerRef {
        Objects.requireNonNull(kind, "kind");
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("customer id is empty");
        }
    }

    public static CustomerRef externalUser(String externalUserId) {
        return new CustomerRef(Kind.EXTERNAL_USER, externalUserId);
    }

    public static CustomerRef unionId(String unionId) {
        return new CustomerRef(Kind.UNION_ID, unionId);
    }

    /** {@code ext:<external_userid>} or {@code union:<unionid>}: the form stored in keys. */
    public String key() {
        return kind.prefix + id;
    }

    public static CustomerRef parse(String key) {
        for (Kind k : Kind.values()) {
            if (key != null && key.startsWith(k.prefix)) {
                return new CustomerRef(k, key.substring(k.prefix.length()));
            }
        }
        throw new IllegalArgumentException("not a customer key: " + key);
    }

    public boolean isExternalUser() {
        return kind == Kind.EXTERNAL_USER;
    }

    @Override
    public String toString() {
        return key();
    }
}
