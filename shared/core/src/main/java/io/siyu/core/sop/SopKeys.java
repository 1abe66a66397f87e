package io.siyu.core.sop;

/**
 * The identities of planning chains and dispatches, which are also their storage keys and the
 * bodies of the queue messages that name them (the claim check: a message carries a key, the
 * recipients stay in the table).
 */
public final class SopKeys {

    private SopKeys() {}

    /** {@code runKey#sourceId}. */
    public static String chainKey(RunId run, ChainSource source) {
        return run.key() + "#" + source.id();
    }

    /** {@code chainKey#sender#0001}: the sender's n-th WeCom call of the chain. */
    public static String dispatchKey(String chainKey, String sender, int number) {
        return chainKey + "#" + sender + "#" + String.format("%04d", number);
    }

    /** The run a chain or dispatch key belongs to (its first four parts). */
    public static RunId runOf(String chainOrDispatchKey) {
        String[] p = chainOrDispatchKey.split("#", 5);
        if (p.length < 4) {
            throw new IllegalArgumentException("not a chain or dispatch key: " + chainOrDispatchKey);
        }
        return new RunId(p[0], p[1], p[2], p[3]);
    }
}
