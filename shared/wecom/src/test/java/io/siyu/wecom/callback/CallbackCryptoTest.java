package io.siyu.wecom.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.wecom.callback.CallbackRejected.Check;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CallbackCryptoTest {

    // WeCom's official test vector (doc 91144; wecom-api.md §2).
    static final String TOKEN = "QDG6eK";
    static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final String RECEIVE_ID = "wx5823bf96d3bd56c7";
    static final String TIMESTAMP = "1409659813";
    static final String NONCE = "1372623149";
    static final String SIGNATURE = "477715d11cdb4164915debcba66cb864d751f3e6";
    static final String ENCRYPTED = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

    private final CallbackCrypto crypto = new CallbackCrypto(TOKEN, AES_KEY, RECEIVE_ID);

    @Test
    void officialVectorSignatureMatches() {
        assertThat(crypto.signature(TIMESTAMP, NONCE, ENCRYPTED)).isEqualTo(SIGNATURE);
        crypto.verify(SIGNATURE, TIMESTAMP, NONCE, ENCRYPTED);
    }

    @Test
    void officialVectorDecryptsToTheTextMessage() {
        String xml = crypto.decrypt(ENCRYPTED);
        assertThat(xml).startsWith("<xml>").contains("<Content><![CDATA[hello]]></Content>").endsWith("</xml>");
        assertThat(xml.getBytes(StandardCharsets.UTF_8)).hasSize(284);
    }

    @Test
    void uppercaseSignatureIsTheSameSignature() {
        crypto.verify(SIGNATURE.toUpperCase(), TIMESTAMP, NONCE, ENCRYPTED);
    }

    @Test
    void aSignatureOffByOneCharacterIsRejected() {
        String wrong = SIGNATURE.substring(0, 39) + (SIGNATURE.endsWith("3") ? "4" : "3");
        assertRejected(() -> crypto.verify(wrong, TIMESTAMP, NONCE, ENCRYPTED), Check.SIGNATURE);
        assertRejected(() -> crypto.verify(SIGNATURE, "1409659814", NONCE, ENCRYPTED), Check.SIGNATURE);
        assertRejected(() -> crypto.verify(null, TIMESTAMP, NONCE, ENCRYPTED), Check.SIGNATURE);
        assertRejected(() -> crypto.verify("", TIMESTAMP, NONCE, ENCRYPTED), Check.SIGNATURE);
    }

    @Test
    void anotherCorpsReceiveIdIsRejected() {
        CallbackCrypto otherCorp = new CallbackCrypto(TOKEN, AES_KEY, "wwSomeOtherCorp");
        assertRejected(() -> otherCorp.decrypt(ENCRYPTED), Check.RECEIVE_ID);
    }

    @Test
    void badBase64IsRejected() {
        assertRejected(() -> crypto.decrypt("not*base64!"), Check.BASE64);
    }

    @Test
    void truncatedCiphertextIsRejected() {
        byte[] raw = Base64.getDecoder().decode(ENCRYPTED);
        String truncated = Base64.getEncoder().encodeToString(Arrays.copyOf(raw, raw.length - 5));
        assertRejected(() -> crypto.decrypt(truncated), Check.CIPHERTEXT_LENGTH);
        String oneBlock = Base64.getEncoder().encodeToString(Arrays.copyOf(raw, 16));
        assertRejected(() -> crypto.decrypt(oneBlock), Check.CIPHERTEXT_LENGTH);
    }

    @Test
    void dropping32BytesBreaksThePadding() {
        byte[] raw = Base64.getDecoder().decode(ENCRYPTED);
        // The last block now ends inside the message: its final byte is not a valid, consistent pad.
        String shortened = Base64.getEncoder().encodeToString(Arrays.copyOf(raw, raw.length - 32));
        assertRejected(() -> crypto.decrypt(shortened), Check.PADDING);
    }

    @Test
    void padValuesOutsideOneToThirtyTwoAreRejected() {
        for (int pad : new int[] {0, 33, 200}) {
            byte[] plain = new byte[64];
            plain[63] = (byte) pad;
            assertRejected(() -> crypto.decrypt(crypto.encryptFramed(plain)), Check.PADDING);
        }
    }

    @Test
    void inconsistentPadBytesAreRejected() {
        byte[] plain = crypto.frame("<xml/>", new byte[16]);
        plain[plain.length - 2] ^= 1;
        assertRejected(() -> crypto.decrypt(crypto.encryptFramed(plain)), Check.PADDING);
    }

    @Test
    void aLengthFieldBeyondTheMessageIsRejected() {
        byte[] plain = crypto.frame("<xml/>", new byte[16]);
        ByteBuffer.wrap(plain).putInt(16, 10_000);
        assertRejected(() -> crypto.decrypt(crypto.encryptFramed(plain)), Check.LENGTH_FIELD);
        ByteBuffer.wrap(plain).putInt(16, -1);
        assertRejected(() -> crypto.decrypt(crypto.encryptFramed(plain)), Check.LENGTH_FIELD);
    }

    @Test
    void aMessageThatIsNotUtf8IsRejected() {
        byte[] plain = crypto.frame("ab", new byte[16]);
        plain[20] = (byte) 0xC3; // a lone UTF-8 lead byte followed by 'b'
        assertRejected(() -> crypto.decrypt(crypto.encryptFramed(plain)), Check.ENCODING);
    }

    @Test
    void malformedKeysAreRefusedAtConstruction() {
        assertThatThrownBy(() -> new CallbackCrypto(TOKEN, AES_KEY.substring(1), RECEIVE_ID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("43");
        assertThatThrownBy(() -> new CallbackCrypto(TOKEN, AES_KEY.substring(1) + "+", RECEIVE_ID))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CallbackCrypto("", AES_KEY, RECEIVE_ID)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encryptionPadsToThirtyTwoByteBlocksLikeWeCom() {
        for (int n = 0; n < 70; n++) {
            String message = "x".repeat(n);
            byte[] raw = Base64.getDecoder().decode(crypto.encrypt(message, new byte[16]));
            assertThat(raw.length % 32).isZero();
            assertThat(raw.length - (16 + 4 + n + RECEIVE_ID.length())).isBetween(1, 32);
        }
    }

    @Property(tries = 300)
    void decryptInvertsEncrypt(@ForAll @StringLength(max = 2000) String message,
                               @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 40) String receiveId,
                               @ForAll byte[] randomSeed) {
        CallbackCrypto c = new CallbackCrypto(TOKEN, AES_KEY, receiveId);
        byte[] random16 = Arrays.copyOf(randomSeed, 16);
        String valid = new String(message.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        String encrypted = c.encrypt(valid, random16);
        assertThat(c.decrypt(encrypted)).isEqualTo(valid);
        c.verify(c.signature("1", "2", encrypted), "1", "2", encrypted);
    }

    static void assertRejected(Runnable r, Check check) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CallbackRejected.class, e -> assertThat(e.check()).isEqualTo(check));
    }
}
