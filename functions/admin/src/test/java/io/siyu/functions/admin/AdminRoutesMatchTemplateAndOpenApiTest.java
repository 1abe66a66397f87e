package io.siyu.functions.admin;

import static io.siyu.emulators.template.SamTemplate.asMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.emulators.template.FunctionDefinition;
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
 * the router (what answers). They must be the same set.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class AdminRoutesMatchTemplateAndOpenApiTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    @Test
    void templateOpenApiAndRouterDeclareTheSameRoutes(AwsEmulators aws) {
        SamTemplate template = SamTemplate.load(RepositoryFiles.template());
        FunctionDefinition admin = template.function("AdminFunction");
        Set<String> inTemplate = new TreeSet<>();
        for (FunctionDefinition.EventSource e : admin.eventsOfType("HttpApi")) {
            inTemplate.add(e.property("Method") + " " + e.property("Path"));
            assertThat(asMap(e.property("Auth")).get("Authorizer")).as("%s is behind the JWT authoriser", e.name())
                    .isEqualTo("AdminJwt");
        }

        Set<String> inOpenApi = new TreeSet<>();
        var openApi = SamTemplate.load(RepositoryFiles.root().resolve("docs/openapi.yaml")).raw();
        asMap(openApi.get("paths")).forEach((path, ops) -> asMap(ops).keySet().stream().filter(METHODS::contains)
                .forEach(m -> inOpenApi.add(m.toUpperCase() + " " + path)));

        Env.use(aws.environmentOf("AdminFunction"));
        Set<String> inRouter = new TreeSet<>();
        new AdminHandler().router().routes().forEach(r -> inRouter.add(r.method() + " " + r.pathTemplate()));

        assertThat(inTemplate).as("template vs OpenAPI").isEqualTo(inOpenApi);
        assertThat(inRouter).as("router vs template").isEqualTo(inTemplate);
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
