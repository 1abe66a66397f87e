package io.siyu.lambda;

import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.parameters.cache.CacheManager;
import software.amazon.lambda.powertools.parameters.ssm.SSMProvider;

/**
 * A secret value (WeCom Token, EncodingAESKey, app Secret, order-source keys). In AWS it is an
 * SSM SecureString whose <em>name</em> the template passes in {@code <NAME>_PARAM}; it is fetched
 * on first use (never at init, so no SnapStart snapshot holds it) and cached for five minutes, so
 * a rotated value is picked up without a deploy. In the local stack the plain value comes from
 * the variable {@code <NAME>} itself.
 */
public final class Secret implements Supplier<String> {

    private static final Duration CACHE = Duration.ofMinutes(5);
    private static volatile SSMProvider ssm;

    private final String description;
    private final String plainValue;
    private final String parameterName;

    private Secret(String description, String plainValue, String parameterName) {
        this.description = description;
        this.plainValue = plainValue;
        this.parameterName = parameterName;
    }

    /** Reads {@code name} (local) or else the parameter name in {@code name + "_PARAM"} (AWS). */
    public static Secret fromEnvironment(String name) {
        String plain = Env.optional(name, null);
        if (plain != null) {
            return new Secret(name, plain, null);
        }
        return new Secret(name, null, Env.required(name + "_PARAM"));
    }

    /** A fixed value (tests, the CLI). */
    public static Secret of(String description, String value) {
        return new Secret(description, value, null);
    }

    @Override
    public String get() {
        if (plainValue != null) {
            return plainValue;
        }
        String value = provider().get(parameterName);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("SSM parameter " + parameterName + " (" + description + ") is empty");
        }
        return value;
    }

    private static SSMProvider provider() {
        SSMProvider p = ssm;
        if (p == null) {
            synchronized (Secret.class) {
                if (ssm == null) {
                    CacheManager cache = new CacheManager();
                    cache.setDefaultExpirationTime(CACHE);
                    ssm = SSMProvider.builder()
                            .withClient(AwsClients.configure(SsmClient.builder(), "SSM").build())
                            .withCacheManager(cache)
                            .build()
                            .withDecryption();
                }
                p = ssm;
            }
        }
        return p;
    }

    @Override
    public String toString() {
        return "Secret[" + description + "]"; // never the value
    }
}
