package io.siyu.core.contacts;

import java.util.List;
import java.util.Optional;

/**
 * Read access to the contacts that attribution records (the Contacts table). Other capabilities
 * (referral, SOP, RFM) read through this and never write contacts themselves.
 */
public interface ContactDirectory {

    Optional<Customer> customer(String corpId, String externalUserId);

    /** Every relationship of a customer, one per staff member they were ever added by. */
    List<Relationship> relationships(String corpId, String externalUserId);

    /**
     * Customers whose name begins with {@code prefix} (compared in {@link CustomerNames#searchKey}'s
     * form), in that order by name, at most {@code limit}; read from an index, never a scan.
     */
    List<Customer> customersByName(String corpId, String prefix, int limit);

    /** Finds a customer by WeChat unionid (the order system's identity), if WeCom gave one. */
    Optional<Customer> customerByUnionId(String corpId, String unionId);
}
