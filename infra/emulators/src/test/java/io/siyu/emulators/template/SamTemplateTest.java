package io.siyu.emulators.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamTemplateTest {

    private static final String YAML = """
            Globals:
              Function:
                Runtime: java21
                Timeout: 20
                Environment:
                  Variables:
                    SHARED: one
                    CORP: !Ref CorpId
            Parameters:
              CorpId:
                Type: String
              Prefix:
                Type: String
                Default: siyu
            Resources:
              Things:
                Type: AWS::DynamoDB::Table
                Properties:
                  TableName: !Sub "${Prefix}-things"
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: functions/fn/target/fn.jar
                  Handler: io.example.Handler::handleRequest
                  Timeout: 5
                  Environment:
                    Variables:
                      SHARED: two
                      TABLE: !Ref Things
                      ARN: !GetAtt Things.Arn
                      JOINED: !Join [":", [a, !Ref Prefix]]
                  Events:
                    Api:
                      Type: HttpApi
                      Properties:
                        Path: /x
                        Method: GET
            """;

    private final SamTemplate template = SamTemplate.parse(YAML);

    private final Intrinsics.Names names = new Intrinsics.Names() {
        @Override
        public String ref(String id) {
            return Map.of("CorpId", "ww1", "Prefix", "siyu", "Things", "things-physical").get(id);
        }

        @Override
        public String getAtt(String id, String attribute) {
            return "arn:" + id + ":" + attribute;
        }
    };

    @Test
    void shortFormIntrinsicsKeepTheirLongForm() {
        Map<String, Object> env = template.function("Fn").environment();
        assertThat(env.get("TABLE")).isEqualTo(Map.of("Ref", "Things"));
        assertThat(env.get("ARN")).isEqualTo(Map.of("Fn::GetAtt", List.of("Things", "Arn")));
    }

    @Test
    void functionPropertiesOverrideGlobalsVariableByVariable() {
        FunctionDefinition fn = template.function("Fn");
        assertThat(fn.timeoutSeconds()).isEqualTo(5);
        assertThat(fn.environment()).containsKeys("SHARED", "CORP", "TABLE");
        assertThat(fn.environment().get("SHARED")).isEqualTo("two");
        assertThat(fn.handlerClass()).isEqualTo("io.example.Handler");
        assertThat(fn.eventsOfType("HttpApi")).singleElement()
                .satisfies(e -> assertThat(e.property("Path")).isEqualTo("/x"));
    }

    @Test
    void resolvesRefGetAttSubAndJoin() {
        Map<String, Object> env = template.function("Fn").environment();
        assertThat(Intrinsics.resolve(env.get("TABLE"), names)).isEqualTo("things-physical");
        assertThat(Intrinsics.resolve(env.get("ARN"), names)).isEqualTo("arn:Things:Arn");
        assertThat(Intrinsics.resolve(env.get("JOINED"), names)).isEqualTo("a:siyu");
        assertThat(Intrinsics.resolve(template.resource("Things").property("TableName"), names)).isEqualTo("siyu-things");
        assertThat(Intrinsics.referencedId(env.get("ARN"))).isEqualTo("Things");
        assertThat(Intrinsics.referencedId("literal")).isNull();
    }

    @Test
    void refusesIntrinsicsItCannotEvaluate() {
        Object condition = SamTemplate.parse("X: !If [Cond, a, b]").raw().get("X");
        assertThatThrownBy(() -> Intrinsics.resolve(condition, names))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Fn::If");
    }

    @Test
    void parameterDefaultsAreReadable() {
        assertThat(template.parameterDefaults()).containsEntry("Prefix", "siyu").containsEntry("CorpId", null);
    }
}
