package io.siyu.local;

import io.siyu.emulators.template.SamTemplate;
import io.siyu.local.check.TemplateCrossCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code siyu check}: the template/code cross-check, on the built function jars. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check that template.yaml and the function jars agree: handler classes, environment",
                "variables (set and read) and the policies naming every table, queue, bus and SSM parameter used.",
                "Build the jars first (mvn -B -DskipTests package). Exits 1 and prints one line per problem."})
public final class CheckCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Option(names = "--repo", paramLabel = "DIR", description = "the repository root (CodeUri paths are relative to it)")
    Path repo;

    @Option(names = "--template", paramLabel = "FILE", description = "the template to check (default: template.yaml in the root)")
    Path template;

    public CheckCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Path root = UpCommand.repoRoot(repo);
        if (root == null) {
            terminal.err().println("error: no template.yaml found; run from the repository root or pass --repo DIR");
            return ExitCodes.START_FAILED;
        }
        Path file = template != null ? template : root.resolve("template.yaml");
        SamTemplate parsed = SamTemplate.load(file);
        List<TemplateCrossCheck.Problem> problems = new TemplateCrossCheck(parsed, root).problems();
        problems.forEach(p -> terminal.err().println(p));
        if (problems.isEmpty()) {
            terminal.out().println(file.getFileName() + " and the code agree (" + parsed.functions().size() + " functions)");
            return ExitCodes.OK;
        }
        return ExitCodes.CHECK_FAILED;
    }
}
