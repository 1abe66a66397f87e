package io.siyu.functions.callback;

import io.siyu.wecom.callback.CallbackCrypto;
import java.util.function.Supplier;

/**
 * The callback crypto for the current Token and EncodingAESKey. The secrets are read on use
 * (cached by the secret source), so a rotated key is picked up without a redeploy; the crypto
 * object is rebuilt only when a value actually changed.
 */
final class RotatingCrypto implements Supplier<CallbackCrypto> {

    private final Supplier<String> token;
    private final Supplier<String> aesKey;
    private final String corpId;
    private volatile Built current;

    private record Built(String token, String aesKey, CallbackCrypto crypto) {}

    RotatingCrypto(Supplier<String> token, Supplier<String> aesKey, String corpId) {
        this.token = token;
        this.aesKey = aesKey;
        this.corpId = corpId;
    }

    @Override
    public CallbackCrypto get() {
        String t = token.get();
        String k = aesKey.get();
        Built b = current;
        if (b == null || !b.token().equals(t) || !b.aesKey().equals(k)) {
            b = new Built(t, k, new CallbackCrypto(t, k, corpId));
            current = b;
        }
        return b.crypto();
    }
}
