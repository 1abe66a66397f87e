package io.siyu.testing;

import java.util.Locale;

/**
 * Which emulators the integration tests run against, from {@code SIYU_TEST_TARGET} (environment
 * variable, or system property {@code siyu.test.target}).
 */
public enum TestTarget {
    /** DynamoDB Local, ElasticMQ and a WireMock EventBridge inside the test JVM (the default). */
    IN_PROCESS,
    /** A moto_server process for DynamoDB, streams, SQS and EventBridge (rules route to SQS). */
    MOTO,
    /** LocalStack through Testcontainers; needs a Docker engine. */
    LOCALSTACK;

    public static TestTarget current() {
        String value = System.getProperty("siyu.test.target");
        if (value == null || value.isBlank() || value.startsWith("${")) {
            value = System.getenv("SIYU_TEST_TARGET");
        }
        if (value == null || value.isBlank() || value.equalsIgnoreCase("in-process") || value.equalsIgnoreCase("default")) {
            return IN_PROCESS;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "moto" -> MOTO;
            case "localstack" -> LOCALSTACK;
            default -> throw new IllegalArgumentException(
                    "SIYU_TEST_TARGET must be in-process (default), moto or localstack, not " + value);
        };
    }
}
