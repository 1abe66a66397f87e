package io.siyu.wecom.callback;

import io.siyu.wecom.callback.CallbackRejected.Check;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeCom's callback cryptography (developer docs 91144), from the spec, with no SDK:
 * <ul>
 *   <li>signature = lowercase hex SHA-1 of the four strings token, timestamp, nonce and the
 *       encrypted message, sorted and concatenated; compared in constant time;</li>
 *   <li>AES-256-CBC with key = Base64(EncodingAESKey + "=") and IV = the key's first 16 bytes;</li>
 *   <li>PKCS#7 padding to a multiple of <b>32</b> bytes (pad byte 1..32), so the JDK's PKCS5
 *       padding cannot be used: the padding is checked here, every pad byte of it;</li>
 *   <li>plaintext = 16 random bytes, 4-byte big-endian message length, message, ReceiveId.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class CallbackCrypto {

    private static final Pattern AES_KEY = Pattern.compile("[A-Za-z0-9]{43}");
    private static final int BLOCK = 32;
    private static final int RANDOM_PREFIX = 16;
    private static final HexFormat HEX = HexFormat.of();

    private final String token;
    private final SecretKeySpec key;
    private final IvParameterSpec iv;
    private final byte[] receiveId;

    /**
     * @param receiveId the CorpID for a self-built app (the suite id for a third-party app)
     */
    public CallbackCrypto(String token, String encodingAesKey, String receiveId) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("token is empty");
        }
        if (encodingAesKey == null || !AES_KEY.matcher(encodingAesKey).matches()) {
            throw new IllegalArgumentException("EncodingAESKey must be exactly 43 letters and digits");
        }
        byte[] raw = Base64.getDecoder().decode(encodingAesKey + "=");
        this.token = token;
        this.key = new SecretKeySpec(raw, "AES");
        this.iv = new IvParameterSpec(Arrays.copyOfRange(raw, 0, 16));
        this.receiveId = receiveId.getBytes(StandardCharsets.UTF_8);
    }

    /** The signature WeCom computes over a message: lowercase hex SHA-1 of the sorted four strings. */
    public String signature(String timestamp, String nonce, String encrypted) {
        String[] parts = {token, timestamp, nonce, encrypted};
        Arrays.sort(parts);
        MessageDigest sha1 = sha1();
        for (String part : parts) {
            sha1.update(part.getBytes(StandardCharsets.UTF_8));
        }
        return HEX.formatHex(sha1.digest());
    }

    /** Throws {@link CallbackRejected} (SIGNATURE) unless the signature matches, compared in constant time. */
    public void verify(String signature, String timestamp, String nonce, String encrypted) {
        byte[] expected = signature(timestamp, nonce, encrypted).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature == null ? new byte[0] : signature.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new CallbackRejected(Check.SIGNATURE, "msg_signature does not match");
        }
    }

    /** Decrypts a message and checks its padding, length field and ReceiveId. */
    public String decrypt(String encrypted) {
        byte[] cipherText;
        try {
            cipherText = Base64.getDecoder().decode(encrypted.strip());
        } catch (IllegalArgumentException e) {
            throw new CallbackRejected(Check.BASE64, "Encrypt is not valid base64");
        }
        // At least one 32-byte block: random prefix and length field alone fill 20 bytes.
        if (cipherText.length < BLOCK || cipherText.length % 16 != 0) {
            throw new CallbackRejected(Check.CIPHERTEXT_LENGTH, "ciphertext of " + cipherText.length + " bytes");
        }
        byte[] plain = crypt(Cipher.DECRYPT_MODE, cipherText);
        int pad = plain[plain.length - 1] & 0xff;
        if (pad < 1 || pad > BLOCK || pad > plain.length) {
            throw new CallbackRejected(Check.PADDING, "pad value " + pad);
        }
        for (int i = plain.length - pad; i < plain.length; i++) {
            if ((plain[i] & 0xff) != pad) {
                throw new CallbackRejected(Check.PADDING, "inconsistent pad bytes");
            }
        }
        int content = plain.length - pad;
        if (content < RANDOM_PREFIX + 4) {
            throw new CallbackRejected(Check.LENGTH_FIELD, "no room for the length field");
        }
        int length = ByteBuffer.wrap(plain, RANDOM_PREFIX, 4).getInt();
        int msgStart = RANDOM_PREFIX + 4;
        if (length < 0 || length > content - msgStart) {
            throw new CallbackRejected(Check.LENGTH_FIELD, "length " + length + " exceeds the " + (content - msgStart) + " bytes present");
        }
        byte[] id = Arrays.copyOfRange(plain, msgStart + length, content);
        if (!MessageDigest.isEqual(id, receiveId)) {
            throw new CallbackRejected(Check.RECEIVE_ID, "ReceiveId is not the configured CorpID");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain, msgStart, length)).toString();
        } catch (CharacterCodingException e) {
            throw new CallbackRejected(Check.ENCODING, "message is not UTF-8");
        }
    }

    /**
     * Encrypts a message as WeCom does (for the CLI, tests and simulators).
     *
     * @param random16 the 16 random prefix bytes; pass fresh random bytes except in reproducible tests
     */
    public String encrypt(String message, byte[] random16) {
        return encryptFramed(frame(message, random16));
    }

    /** The plaintext WeCom encrypts: random prefix, length, message, ReceiveId, PKCS#7 padding to 32 bytes. */
    public byte[] frame(String message, byte[] random16) {
        if (random16.length != RANDOM_PREFIX) {
            throw new IllegalArgumentException("the random prefix is 16 bytes");
        }
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        int unpadded = RANDOM_PREFIX + 4 + msg.length + receiveId.length;
        int pad = BLOCK - unpadded % BLOCK;
        ByteBuffer buf = ByteBuffer.allocate(unpadded + pad);
        buf.put(random16).putInt(msg.length).put(msg).put(receiveId);
        for (int i = 0; i < pad; i++) {
            buf.put((byte) pad);
        }
        return buf.array();
    }

    /**
     * Encrypts bytes that are already framed and padded, as they are: tests and fuzzers use it to
     * craft messages that are wrong on the inside (bad padding, a lying length field).
     */
    public String encryptFramed(byte[] framedPlaintext) {
        if (framedPlaintext.length % 16 != 0) {
            throw new IllegalArgumentException("AES/CBC needs whole 16-byte blocks");
        }
        return Base64.getEncoder().encodeToString(crypt(Cipher.ENCRYPT_MODE, framedPlaintext));
    }

    private byte[] crypt(int mode, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(mode, key, iv);
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CBC is unavailable in this JVM", e);
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is unavailable in this JVM", e);
        }
    }
}
