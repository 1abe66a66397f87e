package io.siyu.functions.admin.channels;

import io.siyu.core.contacts.ContactDirectory;
import io.siyu.functions.admin.http.ApiException;
import io.siyu.functions.admin.http.ApiResponse;
import io.siyu.functions.admin.http.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A customer as attribution knows them: {@code GET /admin/customers/{externalUserId}}. */
public final class CustomerRoutes implements Route.Module {

    private final String corpId;
    private final ContactDirectory contacts;

    public CustomerRoutes(String corpId, ContactDirectory contacts) {
        this.corpId = corpId;
        this.contacts = contacts;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/admin/customers/{externalUserId}", r -> {
            String id = r.pathParameter("externalUserId");
            var customer = contacts.customer(corpId, id).orElseThrow(() -> ApiException.notFound("customer " + id));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("customer", customer);
            out.put("relationships", contacts.relationships(corpId, id));
            return ApiResponse.ok(out);
        }));
    }
}
