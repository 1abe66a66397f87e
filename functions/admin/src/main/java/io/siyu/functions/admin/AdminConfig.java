package io.siyu.functions.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.siyu.functions.admin.http.Route;
import io.siyu.functions.admin.http.Router;
import io.siyu.lambda.Env;
import java.util.List;

/** The admin function's configuration and object graph, built once per execution environment. */
record AdminConfig(String corpId) {

    static AdminConfig fromEnvironment() {
        return new AdminConfig(Env.required("WECOM_CORP_ID"));
    }

    static ObjectMapper json() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
    }

    Router router() {
        List<Route.Module> modules = List.of(
                new HealthRoutes(corpId));
        return new Router(Route.all(modules), json());
    }
}
