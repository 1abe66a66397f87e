package io.siyu.core.rfm;

import io.siyu.core.contacts.Customer;
import java.time.Instant;
import java.util.Optional;

/**
 * What the lifecycle stage needs to know of the customer as a WeCom contact. {@code known} is
 * false for customers the contacts do not have (known only by unionid, or never added): their
 * stage then comes from their orders alone.
 */
public record ContactFacts(boolean known, boolean contact, Instant firstAddedAt) {

    public static final ContactFacts UNKNOWN = new ContactFacts(false, false, null);

    public static ContactFacts of(Optional<Customer> customer) {
        return customer.map(c -> new ContactFacts(true, c.isContact(), c.firstAddedAt())).orElse(UNKNOWN);
    }
}
