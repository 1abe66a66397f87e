package io.siyu.core.links;

/** Where the planner records code → URL before the dispatch that carries the code is sent. */
public interface LinkRegistry {

    /**
     * Stores the link, idempotently: registering the same code with the same URL again changes
     * nothing. {@link CodeTaken} when the code is registered to another URL (a hash collision):
     * nothing is overwritten.
     */
    void register(TrackedLink link);

    final class CodeTaken extends RuntimeException {
        public CodeTaken(String code) {
            super("link code " + code + " is registered to another URL", null, false, false);
        }
    }
}
