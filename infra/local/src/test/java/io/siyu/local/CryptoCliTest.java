package io.siyu.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.wecom.callback.CallbackCrypto;
import io.siyu.wecom.callback.CallbackEnvelope;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.NotEmpty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code siyu crypto decrypt|encrypt} (issue 3, "CLI for people who debug callbacks"): WeCom's
 * official vector (wecom-api.md §2) decrypts exactly; every failure is a non-zero exit and one
 * line naming the failed check; encrypt's output decrypts back to the message.
 */
class CryptoCliTest {

    // WeCom's official test vector (developer docs 91144; wecom-api.md §2).
    static final String TOKEN = "QDG6eK";
    static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final String RECEIVE_ID = "wx5823bf96d3bd56c7";
    static final String TIMESTAMP = "1409659813";
    static final String NONCE = "1372623149";
    static final String SIGNATURE = "477715d11cdb4164915debcba66cb864d751f3e6";
    static final String MSG_ENCRYPT = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
    /** What the vector decrypts to: 284 bytes, as the length field says. */
    static final String PLAINTEXT = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
            + "<FromUserName><![CDATA[mycreate]]></FromUserName>\n"
            + "<CreateTime>1409659813</CreateTime>\n"
            + "<MsgType><![CDATA[text]]></MsgType>\n"
            + "<Content><![CDATA[hello]]></Content>\n"
            + "<MsgId>4561255354251345929</MsgId>\n"
            + "<AgentID>218</AgentID>\n"
            + "</xml>";

    static final CallbackCrypto VECTOR = new CallbackCrypto(TOKEN, AES_KEY, RECEIVE_ID);

    static String body(String encrypt) {
        return new CallbackEnvelope(RECEIVE_ID, "218", encrypt).toXml();
    }

    static String[] decryptArgs(String signature, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("crypto", "decrypt", "--token", TOKEN, "--aes-key", AES_KEY,
                "--corp-id", RECEIVE_ID, "--signature", signature, "--timestamp", TIMESTAMP, "--nonce", NONCE));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void theOfficialVectorDecryptsExactlyFromAPostBody() {
        CliRun run = CliRun.run(body(MSG_ENCRYPT), decryptArgs(SIGNATURE));

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(PLAINTEXT);
        assertThat(run.out().getBytes(StandardCharsets.UTF_8)).hasSize(284);
    }

    @Test
    void theOfficialVectorDecryptsExactlyAsAUrlVerificationEchostr() {
        CliRun run = CliRun.run("", decryptArgs(SIGNATURE, "--echostr", MSG_ENCRYPT));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(PLAINTEXT);
    }

    @Test
    void aTimestampYearsOldIsAcceptedByTheCliUnlikeTheFunction() {
        // The vector is from 2014; the function would reject it (timestamp window), the CLI must not.
        assertThat(CliRun.run(body(MSG_ENCRYPT), decryptArgs(SIGNATURE)).exitCode()).isZero();
    }

    /** Signs a crafted Encrypt value so the check under test is reached (signature comes first). */
    static String sign(String encrypt) {
        return VECTOR.signature(TIMESTAMP, NONCE, encrypt);
    }

    static byte[] framed(String message, String receiveId) {
        return new CallbackCrypto(TOKEN, AES_KEY, receiveId).frame(message, new byte[16]);
    }

    static Stream<Arguments> failures() {
        String otherKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        byte[] badPadding = framed("<xml/>", RECEIVE_ID);
        badPadding[badPadding.length - 1] = 0;
        String badPaddingEncrypt = VECTOR.encryptFramed(badPadding);
        byte[] lyingLength = framed("<xml/>", RECEIVE_ID);
        ByteBuffer.wrap(lyingLength).putInt(16, 5000);
        String lyingLengthEncrypt = VECTOR.encryptFramed(lyingLength);
        String otherCorp = VECTOR.encryptFramed(framed("<xml/>", "wwSomeOtherCorp"));
        String truncated = Base64.getEncoder().encodeToString(Arrays.copyOf(Base64.getDecoder().decode(MSG_ENCRYPT), 16));
        String notBase64 = "!!!!not*base64!!!!";
        return Stream.of(
                Arguments.of("a wrong signature", body(MSG_ENCRYPT), decryptArgs("0" + SIGNATURE.substring(1)), "signature"),
                Arguments.of("the signature of another nonce", body(MSG_ENCRYPT),
                        replace(decryptArgs(SIGNATURE), "--nonce", "1372623150"), "signature"),
                Arguments.of("another corp's message", body(otherCorp), decryptArgs(sign(otherCorp)), "receive_id"),
                Arguments.of("a key that is not 43 characters", body(MSG_ENCRYPT),
                        replace(decryptArgs(SIGNATURE), "--aes-key", AES_KEY.substring(1)), "aes_key"),
                Arguments.of("another app's key", body(MSG_ENCRYPT),
                        replace(decryptArgs(SIGNATURE), "--aes-key", otherKey), "padding"),
                Arguments.of("bad padding", body(badPaddingEncrypt), decryptArgs(sign(badPaddingEncrypt)), "padding"),
                Arguments.of("a length field past the end", body(lyingLengthEncrypt), decryptArgs(sign(lyingLengthEncrypt)), "length_field"),
                Arguments.of("truncated ciphertext", body(truncated), decryptArgs(sign(truncated)), "ciphertext_length"),
                Arguments.of("Encrypt that is not base64", body(notBase64), decryptArgs(sign(notBase64)), "base64"),
                Arguments.of("a body that is not XML", "this is not xml", decryptArgs(SIGNATURE), "malformed_xml"),
                Arguments.of("a body without Encrypt", "<xml><ToUserName>x</ToUserName></xml>", decryptArgs(SIGNATURE), "malformed_xml"),
                Arguments.of("an XXE payload", "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                        + "<xml><Encrypt>&e;</Encrypt></xml>", decryptArgs(SIGNATURE), "malformed_xml"),
                Arguments.of("no body at all", "", decryptArgs(SIGNATURE), "malformed_xml"),
                Arguments.of("a missing option", body(MSG_ENCRYPT),
                        new String[] {"crypto", "decrypt", "--token", TOKEN, "--aes-key", AES_KEY, "--corp-id", RECEIVE_ID}, "arguments"));
    }

    static String[] replace(String[] args, String option, String value) {
        String[] copy = args.clone();
        for (int i = 0; i < copy.length - 1; i++) {
            if (copy[i].equals(option)) {
                copy[i + 1] = value;
            }
        }
        return copy;
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("failures")
    void everyFailureExitsNonZeroWithOneLineNamingTheFailedCheck(String what, String stdin, String[] args, String check) {
        CliRun run = CliRun.run(stdin, args);

        assertThat(run.exitCode()).as(what).isNotZero();
        assertThat(run.out()).as(what).isEmpty();
        assertThat(run.errLines()).as(what).hasSize(1);
        assertThat(run.errLines().get(0)).as(what).startsWith("failed check: " + check + " (");
    }

    @Test
    void aFailedCheckExitsWithOneAndAUsageErrorWithTwo() {
        assertThat(CliRun.run(body(MSG_ENCRYPT), decryptArgs("deadbeef")).exitCode()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(CliRun.run("", "crypto", "decrypt").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.run("", "crypto", "frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    /** The two lines encrypt prints: the POST body and the query string. */
    record Encrypted(String body, Map<String, String> query) {
        static Encrypted of(CliRun run) {
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.outLines()).hasSize(2);
            Map<String, String> query = new LinkedHashMap<>();
            for (String pair : run.outLines().get(1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            return new Encrypted(run.outLines().get(0), query);
        }
    }

    static CliRun encrypt(String message, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("crypto", "encrypt", "--token", TOKEN, "--aes-key", AES_KEY,
                "--corp-id", RECEIVE_ID));
        args.addAll(List.of(more));
        return CliRun.run(message, args.toArray(String[]::new));
    }

    @Test
    void encryptPrintsThePostBodyAndTheSignedQueryString() {
        Encrypted e = Encrypted.of(encrypt(PLAINTEXT, "--timestamp", TIMESTAMP, "--nonce", NONCE));

        assertThat(e.query()).containsOnlyKeys("msg_signature", "timestamp", "nonce")
                .containsEntry("timestamp", TIMESTAMP).containsEntry("nonce", NONCE);
        CallbackEnvelope envelope = CallbackEnvelope.parse(e.body());
        assertThat(envelope.toUserName()).isEqualTo(RECEIVE_ID);
        assertThat(e.query().get("msg_signature")).isEqualTo(VECTOR.signature(TIMESTAMP, NONCE, envelope.encrypt()));
        assertThat(VECTOR.decrypt(envelope.encrypt())).isEqualTo(PLAINTEXT);
    }

    @Test
    void encryptSignsWithTheCurrentTimeAndAFreshNonceByDefault() {
        Encrypted first = Encrypted.of(encrypt(PLAINTEXT));
        Encrypted second = Encrypted.of(encrypt(PLAINTEXT));

        assertThat(first.query().get("timestamp")).isEqualTo(Long.toString(CliRun.FIXED.instant().getEpochSecond()));
        assertThat(first.query().get("nonce")).matches("\\d{10}");
        // A fresh random prefix each time, as WeCom's retries carry.
        assertThat(first.body()).isNotEqualTo(second.body());
    }

    @Property(tries = 60)
    void encryptedMessagesRoundTripThroughDecrypt(@ForAll @NotEmpty @CharRange(from = '\u0001', to = '\uD7FF') String message) {
        Encrypted e = Encrypted.of(encrypt(message, "--nonce", "n o&n=ce"));

        CliRun decrypted = CliRun.run(e.body(), "crypto", "decrypt", "--token", TOKEN, "--aes-key", AES_KEY,
                "--corp-id", RECEIVE_ID, "--signature", e.query().get("msg_signature"),
                "--timestamp", e.query().get("timestamp"), "--nonce", e.query().get("nonce"));

        assertThat(decrypted.exitCode()).as(decrypted.err()).isZero();
        assertThat(decrypted.out()).isEqualTo(message);
    }

    @Test
    void encryptWithoutAMessageFailsWithOneLine() {
        CliRun run = encrypt("");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).containsExactly("failed check: message (no plaintext message on stdin)");
    }
}
