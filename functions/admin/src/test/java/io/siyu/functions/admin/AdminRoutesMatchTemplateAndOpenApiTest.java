package io.siyu.functions.admin;

import static io.siyu.emulators.template.SamTemplate.asMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.emulators.template.FunctionDefinition;
import io.siyu.functions.admin.console.ConsoleAssets;
import io.siyu.emulators.template.SamTemplate;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.RepositoryFiles;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API is declared three times, on purpose: routes in template.yaml (what API Gateway
 * serves and authorises), paths in docs/openapi.yaml (what operators and the console read), and
 * the router (what answers). They must be the same set. One documented exception: the operator
 * console's static files (GET /console and GET /console/{proxy+}) are served by the same function
 * without the authoriser and are not API paths; they are in the template and the router only.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class AdminRoutesMatchTemplateAndOpenApiTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    /** The console's static files: served by the admin function, public, not part of the API (not in OpenAPI). */
    private static final Set<String> CONSOLE_ROUTES = Set.of("GET " + ConsoleAssets.ROOT_PATH, "GET " + ConsoleAssets.FILES_PATH);

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    @Test
    void templateOpenApiAndRouterDeclareTheSameRoutes(AwsEmulators aws) {
        SamTemplate template = SamTemplate.load(RepositoryFiles.template());
        FunctionDefinition admin = template.function("AdminFunction");
        Set<String> inTemplate = new TreeSet<>();
        Set<String> consoleInTemplate = new TreeSet<>();
        for (FunctionDefinition.EventSource e : admin.eventsOfType("HttpApi")) {
            String route = e.property("Method") + " " + e.property("Path");
            if (CONSOLE_ROUTES.contains(route)) {
                // The deliberate exception: the console's static files are public (they hold no
                // data; every /admin/ call the console makes carries the bearer token).
                consoleInTemplate.add(route);
                assertThat(e.property("Auth")).as("%s (static console files) has no authoriser", e.name()).isNull();
                continue;
            }
            inTemplate.add(route);
            assertThat(asMap(e.property("Auth")).get("Authorizer")).as("%s is behind the JWT authoriser", e.name())
                    .isEqualTo("AdminJwt");
        }
        assertThat(consoleInTemplate).as("the console's routes in the template").isEqualTo(CONSOLE_ROUTES);

        Set<String> inOpenApi = new TreeSet<>();
        var openApi = SamTemplate.load(RepositoryFiles.root().resolve("docs/openapi.yaml")).raw();
        asMap(openApi.get("paths")).forEach((path, ops) -> asMap(ops).keySet().stream().filter(METHODS::contains)
                .forEach(m -> inOpenApi.add(m.toUpperCase() + " " + path)));

        Env.use(aws.environmentOf("AdminFunction"));
        Set<String> inRouter = new TreeSet<>();
        new AdminHandler().router().routes().forEach(r -> inRouter.add(r.method() + " " + r.pathTemplate()));
        Set<String> apiAndConsole = new TreeSet<>(inTemplate);
        apiAndConsole.addAll(CONSOLE_ROUTES);

        assertThat(inTemplate).as("template vs OpenAPI").isEqualTo(inOpenApi);
        assertThat(inRouter).as("router vs template").isEqualTo(apiAndConsole);
        assertThat(inTemplate).allMatch(r -> r.split(" ")[1].startsWith("/admin/"));
    }

    @Test
    void noOtherFunctionServesAnAdminPath() {
        SamTemplate template = SamTemplate.load(RepositoryFiles.template());
        template.functions().stream().filter(f -> !f.logicalId().equals("AdminFunction"))
                .flatMap(f -> f.eventsOfType("HttpApi").stream())
                .forEach(e -> assertThat(String.valueOf(e.property("Path"))).doesNotStartWith("/admin"));
    }
}
