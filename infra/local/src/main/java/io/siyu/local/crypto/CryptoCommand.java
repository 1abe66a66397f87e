package io.siyu.local.crypto;

import io.siyu.local.ExitCodes;
import io.siyu.local.Terminal;
import io.siyu.wecom.callback.CallbackCrypto;
import io.siyu.wecom.callback.CallbackEnvelope;
import io.siyu.wecom.callback.CallbackRejected;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code siyu crypto decrypt|encrypt}: WeCom's callback crypto for people who debug callbacks,
 * using the same {@link CallbackCrypto} and {@link CallbackEnvelope} as the callback function.
 * Unlike the function, it accepts any timestamp: old captured requests can be replayed.
 */
@Command(name = "crypto", description = "Decrypt or encrypt WeCom callbacks (developer docs 91144).",
        mixinStandardHelpOptions = true)
public final class CryptoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "crypto needs a subcommand: decrypt or encrypt");
    }

    /** The options both directions share: the callback configuration of the WeCom app. */
    static class Keys {
        @Option(names = "--token", required = true, description = "the callback Token")
        String token;

        @Option(names = "--aes-key", required = true, description = "the 43-character EncodingAESKey")
        String aesKey;

        @Option(names = "--corp-id", required = true, description = "the CorpID (the ReceiveId of a self-built app)")
        String corpId;

        /** Builds the crypto or reports the configuration check that failed. */
        CallbackCrypto crypto() {
            try {
                return new CallbackCrypto(token, aesKey, corpId);
            } catch (IllegalArgumentException e) {
                String check = e.getMessage().startsWith("token") ? "token" : "aes_key";
                throw new CheckFailed(check, e.getMessage());
            }
        }
    }

    /** One failed check, printed as one line. */
    static final class CheckFailed extends RuntimeException {
        final String check;

        CheckFailed(String check, String detail) {
            super(detail);
            this.check = check;
        }
    }

    static int fail(Terminal terminal, String check, String detail) {
        terminal.err().println("failed check: " + check + " (" + detail + ")");
        return ExitCodes.CHECK_FAILED;
    }

    static String readAll(Terminal terminal) {
        try {
            return new String(terminal.in().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stdin", e);
        }
    }

    @Command(name = "decrypt", mixinStandardHelpOptions = true,
            description = {"Verify and decrypt a callback. Without --echostr the POST body XML is read from stdin.",
                    "Prints the plaintext and exits 0; on failure prints one line naming the failed check and exits 1."})
    public static final class Decrypt implements Callable<Integer> {

        private final Terminal terminal;

        @Mixin
        Keys keys = new Keys();

        @Option(names = "--signature", required = true, description = "the msg_signature query parameter")
        String signature;

        @Option(names = "--timestamp", required = true, description = "the timestamp query parameter")
        String timestamp;

        @Option(names = "--nonce", required = true, description = "the nonce query parameter")
        String nonce;

        @Option(names = "--echostr", description = "the echostr of a URL-verification GET (URL-decoded)")
        String echostr;

        public Decrypt(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try {
                CallbackCrypto crypto = keys.crypto();
                String encrypted;
                if (echostr != null) {
                    encrypted = echostr;
                } else {
                    String body = readAll(terminal);
                    if (body.isBlank()) {
                        return fail(terminal, "malformed_xml", "no POST body on stdin");
                    }
                    encrypted = CallbackEnvelope.parse(body).encrypt();
                }
                crypto.verify(signature, timestamp, nonce, encrypted);
                String plain = crypto.decrypt(encrypted);
                terminal.out().print(plain);
                if (terminal.interactive()) {
                    terminal.out().println();
                }
                terminal.out().flush();
                return ExitCodes.OK;
            } catch (CallbackRejected r) {
                String check = r.check().name().toLowerCase(java.util.Locale.ROOT);
                return fail(terminal, check, r.getMessage().substring(check.length() + 2));
            } catch (CheckFailed f) {
                return fail(terminal, f.check, f.getMessage());
            }
        }
    }

    @Command(name = "encrypt", mixinStandardHelpOptions = true,
            description = {"Encrypt the plaintext message read from stdin as WeCom would.",
                    "Prints the POST body XML, then the query string to send it with."})
    public static final class Encrypt implements Callable<Integer> {

        private static final SecureRandom RANDOM = new SecureRandom();

        private final Terminal terminal;

        @Mixin
        Keys keys = new Keys();

        @Option(names = "--timestamp", description = "the timestamp to sign with (default: now, in epoch seconds)")
        String timestamp;

        @Option(names = "--nonce", description = "the nonce to sign with (default: random digits)")
        String nonce;

        @Option(names = "--agent-id", description = "an AgentID element for the envelope (app callbacks carry one)")
        String agentId;

        public Encrypt(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public Integer call() {
            try {
                CallbackCrypto crypto = keys.crypto();
                String message = readAll(terminal);
                if (message.isEmpty()) {
                    return fail(terminal, "message", "no plaintext message on stdin");
                }
                String ts = timestamp != null ? timestamp : Long.toString(terminal.clock().instant().getEpochSecond());
                String n = nonce != null ? nonce : Long.toString(1_000_000_000L + RANDOM.nextInt(1_000_000_000));
                byte[] random16 = new byte[16];
                RANDOM.nextBytes(random16);
                String encrypted = crypto.encrypt(message, random16);
                terminal.out().println(new CallbackEnvelope(keys.corpId, agentId, encrypted).toXml());
                terminal.out().println("msg_signature=" + crypto.signature(ts, n, encrypted)
                        + "&timestamp=" + URLEncoder.encode(ts, StandardCharsets.UTF_8)
                        + "&nonce=" + URLEncoder.encode(n, StandardCharsets.UTF_8));
                terminal.out().flush();
                return ExitCodes.OK;
            } catch (CheckFailed f) {
                return fail(terminal, f.check, f.getMessage());
            }
        }
    }
}
