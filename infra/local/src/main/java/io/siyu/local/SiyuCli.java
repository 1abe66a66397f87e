package io.siyu.local;

import io.siyu.local.crypto.CryptoCommand;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar infra/local/target/siyu.jar <command>}: the local stack ({@code up}), the demo
 * ({@code demo}), the template/code cross-check ({@code check}) and the callback crypto CLI
 * ({@code crypto decrypt|encrypt}). Usage: docs/local-stack.md.
 */
@Command(name = "siyu", mixinStandardHelpOptions = true, version = "siyu 0.1.0",
        description = "Siyu's local stack, demo and WeCom callback crypto tools.")
public final class SiyuCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        int code = run(Terminal.system(), args);
        // up returns only after Ctrl-C or a failed start; the emulators' threads must not keep the JVM.
        System.exit(code);
    }

    /** Runs one command line and returns its exit code (tests call this in process). */
    public static int run(Terminal terminal, String... args) {
        CommandLine crypto = new CommandLine(new CryptoCommand())
                .addSubcommand("decrypt", new CryptoCommand.Decrypt(terminal))
                .addSubcommand("encrypt", new CryptoCommand.Encrypt(terminal));
        CommandLine cli = new CommandLine(new SiyuCli())
                .addSubcommand("up", new UpCommand(terminal))
                .addSubcommand("demo", new DemoCommand(terminal))
                .addSubcommand("check", new CheckCommand(terminal))
                .addSubcommand("crypto", crypto);
        cli.setOut(new PrintWriter(terminal.out(), true));
        cli.setErr(new PrintWriter(terminal.err(), true));
        // Every failure is one line naming what failed, and a non-zero exit.
        cli.setParameterExceptionHandler((e, argv) -> {
            terminal.err().println("failed check: arguments (" + e.getMessage() + "; see --help)");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            terminal.err().println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return ExitCodes.START_FAILED;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is needed: up, demo, check or crypto");
    }
}
