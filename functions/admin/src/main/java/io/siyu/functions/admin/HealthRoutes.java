package io.siyu.functions.admin;

import io.siyu.functions.admin.http.ApiResponse;
import io.siyu.functions.admin.http.Route;
import java.util.List;
import java.util.Map;

/** {@code GET /admin/health}: the API is up and the caller is authorised; says who the caller is. */
final class HealthRoutes implements Route.Module {

    private final String corpId;

    HealthRoutes(String corpId) {
        this.corpId = corpId;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/admin/health", r -> ApiResponse.ok(Map.of("status", "ok", "corpId", corpId,
                "operator", r.operator()))));
    }
}
