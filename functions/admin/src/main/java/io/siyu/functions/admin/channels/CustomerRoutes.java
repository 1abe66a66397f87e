package io.siyu.functions.admin.channels;

import io.siyu.core.contacts.ContactDirectory;
import io.siyu.core.contacts.CustomerNames;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.ApiRequest;
import io.siyu.functions.admin.http.ApiResponse;
import io.siyu.functions.admin.http.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Customers as attribution knows them: {@code GET /admin/customers/{externalUserId}}, and the
 * search by name {@code GET /admin/customers?name=...} (a prefix, on the ByName index).
 */
public final class CustomerRoutes implements Route.Module {

    static final int MAX_RESULTS = 50;
    private static final Set<String> SEARCH_PARAMETERS = Set.of("name", "limit");

    private final String corpId;
    private final ContactDirectory contacts;

    public CustomerRoutes(String corpId, ContactDirectory contacts) {
        this.corpId = corpId;
        this.contacts = contacts;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route("GET", "/admin/customers", this::search),
                new Route("GET", "/admin/customers/{externalUserId}", r -> {
                    String id = r.pathParameter("externalUserId");
                    var customer = contacts.customer(corpId, id).orElseThrow(() -> ApiException.notFound("customer " + id));
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("customer", customer);
                    out.put("relationships", contacts.relationships(corpId, id));
                    return ApiResponse.ok(out);
                }));
    }

    private ApiResponse search(ApiRequest r) {
        Map<String, String> unknown = new TreeMap<>();
        if (r.query() != null) {
            r.query().keySet().stream().filter(k -> !SEARCH_PARAMETERS.contains(k))
                    .forEach(k -> unknown.put(k, "is not a parameter of this route (name, limit)"));
        }
        if (!unknown.isEmpty()) {
            throw ApiException.invalid(unknown);
        }
        String name = r.query("name");
        if (name == null || CustomerNames.searchKey(name) == null) {
            throw ApiException.invalid(Map.of("name", "is required: the beginning of a customer's name"));
        }
        if (name.codePointCount(0, name.length()) > CustomerNames.MAX_LENGTH) {
            throw ApiException.invalid(Map.of("name", "must be at most " + CustomerNames.MAX_LENGTH + " characters"));
        }
        int limit = r.queryInt("limit", 20, 1, MAX_RESULTS);
        return ApiResponse.ok(Map.of("customers", contacts.customersByName(corpId, name, limit)));
    }
}
