package io.siyu.lambda;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one way Siyu code reads its configuration. In AWS the values are the function's
 * environment; the local stack runs every function in one JVM (each in its own class loader) and
 * the template tests run handlers against the template's values, so the source is replaceable.
 * Read everything at init, into a record, so a missing value stops the function before traffic.
 */
public final class Env {

    private static volatile Function<String, String> source = System::getenv;

    private Env() {}

    /** The value, or an {@link IllegalStateException} naming the missing variable. */
    public static String required(String name) {
        String value = source.apply(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("missing environment variable " + name);
        }
        return value;
    }

    public static String optional(String name, String fallback) {
        String value = source.apply(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public static int integer(String name, int fallback) {
        String value = optional(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name + " is not an integer: " + value);
        }
    }

    /** Replaces the source of values (the local stack and the template tests). */
    public static void use(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        source = copy::get;
    }

    /** Replaces the source of values with a function (tests that record what is read). */
    public static void use(Function<String, String> lookup) {
        source = Objects.requireNonNull(lookup);
    }

    public static void useProcessEnvironment() {
        source = System::getenv;
    }
}
