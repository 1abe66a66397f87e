package io.siyu.local.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.emulators.template.SamTemplate;
import io.siyu.local.CliRun;
import io.siyu.local.ExitCodes;
import io.siyu.testing.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The template/code cross-check (issue 2, "Template checks") passes on the real template.yaml
 * and names the exact problem in deliberately broken copies of it. It loads the function jars
 * Maven built before this module (the reactor builds every function first).
 */
class TemplateMatchesCodeTest {

    static final Path ROOT = RepositoryFiles.root();
    static final String REAL = read(ROOT.resolve("template.yaml"));

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> problems(String templateText) {
        return new TemplateCrossCheck(SamTemplate.parse(templateText), ROOT).problems().stream().map(Object::toString).toList();
    }

    /** The broken copies change CallbackFunction only; the other functions are the real template's (checked above). */
    static List<String> callbackProblems(String templateText) {
        return new TemplateCrossCheck(SamTemplate.parse(templateText), ROOT).problemsOf("CallbackFunction").stream()
                .map(Object::toString).toList();
    }

    /** The real template with one edit inside the CallbackFunction resource; the edit must apply. */
    static String breakCallback(UnaryOperator<String> edit) {
        int start = REAL.indexOf("\n  CallbackFunction:\n");
        int end = REAL.indexOf("\n  CallbackLogGroup:", start);
        String block = REAL.substring(start, end);
        String broken = edit.apply(block);
        assertThat(broken).as("the edit applies to the template").isNotEqualTo(block);
        return REAL.substring(0, start) + broken + REAL.substring(end);
    }

    @Test
    void theRealTemplateAndTheCodeAgree() {
        assertThat(problems(REAL)).isEmpty();
    }

    @Test
    void everyFunctionOfTheTemplateIsChecked() {
        // A function the check skipped would agree with anything: make every one fail and count.
        SamTemplate template = SamTemplate.parse(REAL.replace("\n      Handler: ", "\n      Handler: x."));
        List<TemplateCrossCheck.Problem> problems = new TemplateCrossCheck(template, ROOT).problems();
        assertThat(problems).extracting(TemplateCrossCheck.Problem::function)
                .containsExactlyElementsOf(template.functions().stream().map(f -> f.logicalId()).toList());
    }

    @Test
    void aVariableTheCodeRequiresButTheTemplateDoesNotSetIsReported() {
        String broken = breakCallback(b -> b.replace("          IDEMPOTENCY_TABLE: !Ref IdempotencyTable\n", ""));

        assertThat(callbackProblems(broken)).containsExactly(
                "CallbackFunction: the code requires environment variable IDEMPOTENCY_TABLE, which the template does not set");
    }

    @Test
    void aVariableTheTemplateSetsButTheCodeNeverReadsIsReported() {
        String broken = breakCallback(b -> b.replace("          CALLBACK_MAX_CLOCK_SKEW_SECONDS: \"300\"\n",
                "          CALLBACK_MAX_CLOCK_SKEW_SECONDS: \"300\"\n          CALLBACK_RETRY_MODE: eager\n"));

        assertThat(callbackProblems(broken)).containsExactly(
                "CallbackFunction: the template sets CALLBACK_RETRY_MODE, which the code never reads");
    }

    @Test
    void aBusTheCodeUsesWithoutAPolicyNamingItIsReported() {
        String broken = breakCallback(b -> b.replace("        - EventBridgePutEventsPolicy:\n            EventBusName: !Ref SiyuEventBus\n", ""));

        assertThat(callbackProblems(broken)).containsExactly(
                "CallbackFunction: EVENT_BUS_NAME refers to SiyuEventBus, which none of the function's policies names");
    }

    @Test
    void aTableTheCodeUsesWithoutAPolicyNamingItIsReported() {
        String broken = breakCallback(b -> b.replace("              Resource: !GetAtt IdempotencyTable.Arn\n",
                "              Resource: !GetAtt ContactsTable.Arn\n"));

        assertThat(callbackProblems(broken)).containsExactly(
                "CallbackFunction: IDEMPOTENCY_TABLE refers to IdempotencyTable, which none of the function's policies names");
    }

    @Test
    void anSsmParameterTheCodeReadsWithoutAPolicyNamingItIsReported() {
        String broken = breakCallback(b -> b.replace(
                "        - SSMParameterWithSlashPrefixReadPolicy:\n            ParameterName: !Ref WeComAesKeyParameter\n", ""));

        assertThat(callbackProblems(broken)).containsExactly(
                "CallbackFunction: WECOM_AES_KEY_PARAM refers to WeComAesKeyParameter, which none of the function's policies names");
    }

    @Test
    void aPolicyStatementNamingTheResourceCounts() {
        String broken = breakCallback(b -> b.replace("        - EventBridgePutEventsPolicy:\n            EventBusName: !Ref SiyuEventBus\n",
                "        - Statement:\n            - Effect: Allow\n              Action: events:PutEvents\n"
                        + "              Resource: !GetAtt SiyuEventBus.Arn\n"));

        assertThat(callbackProblems(broken)).isEmpty();
    }

    @Test
    void aHandlerClassThatIsNotInTheJarIsReported() {
        String broken = breakCallback(b -> b.replace("io.siyu.functions.callback.CallbackHandler::handleRequest",
                "io.siyu.functions.callback.CallbackHandlr::handleRequest"));

        assertThat(callbackProblems(broken)).containsExactly(
                "CallbackFunction: Handler class io.siyu.functions.callback.CallbackHandlr is not in callback.jar");
    }

    @Test
    void aHandlerClassThatIsNoHandlerIsReported() {
        String broken = breakCallback(b -> b.replace("io.siyu.functions.callback.CallbackHandler::handleRequest",
                "io.siyu.functions.callback.CallbackService::handleRequest"));

        assertThat(callbackProblems(broken)).containsExactly(
                "CallbackFunction: Handler class io.siyu.functions.callback.CallbackService implements neither "
                        + "RequestHandler nor RequestStreamHandler");
    }

    @Test
    void aMissingJarIsReported() {
        String broken = breakCallback(b -> b.replace("CodeUri: functions/callback/target/callback.jar",
                "CodeUri: functions/callback/target/callbak.jar"));

        assertThat(callbackProblems(broken)).hasSize(1);
        assertThat(callbackProblems(broken).get(0)).startsWith("CallbackFunction: CodeUri ").contains("callbak.jar does not exist");
    }

    @Test
    void theCheckCommandPrintsTheProblemsAndFailsOnAny() throws IOException {
        Path dir = Files.createTempDirectory("siyu-check");
        Files.writeString(dir.resolve("template.yaml"), breakCallback(b -> b.replace(
                "          IDEMPOTENCY_TABLE: !Ref IdempotencyTable\n", "")));

        CliRun ok = CliRun.run("", "check", "--repo", ROOT.toString());
        CliRun failed = CliRun.run("", "check", "--repo", ROOT.toString(), "--template", dir.resolve("template.yaml").toString());

        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("template.yaml and the code agree");
        assertThat(failed.exitCode()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(failed.errLines()).containsExactly(
                "CallbackFunction: the code requires environment variable IDEMPOTENCY_TABLE, which the template does not set");
    }
}
