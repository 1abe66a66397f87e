package io.siyu.local;

/** The exit codes of siyu.jar, documented in docs/local-stack.md. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A crypto check failed (signature, corp id, padding, ...), or the demo's numbers disagree. */
    public static final int CHECK_FAILED = 1;
    /** The command line is wrong (missing or unknown option). */
    public static final int USAGE = 2;
    /** A port the stack needs is taken. */
    public static final int PORT_IN_USE = 3;
    /** The stack could not start (no template, a function jar missing or failing its init, ...). */
    public static final int START_FAILED = 4;

    private ExitCodes() {}
}
