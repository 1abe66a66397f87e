package io.siyu.lambda;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds every AWS SDK client the same way: the JDK's URL connection client (no Apache, no Netty:
 * smaller jars, faster start), explicit timeouts, the region from {@code AWS_REGION}, and an
 * endpoint override only from configuration ({@code AWS_ENDPOINT_URL_<SERVICE>} or
 * {@code AWS_ENDPOINT_URL}, the SDK's own names). Build clients at init so SnapStart captures
 * them warm; credentials are resolved lazily, at the first call after restore.
 */
public final class AwsClients {

    private AwsClients() {}

    /**
     * @param service the SDK's service id in upper case, as in {@code AWS_ENDPOINT_URL_DYNAMODB}
     */
    public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, String service) {
        // Inside the shortest function timeout (the callback's 5 s), retries included.
        return configure(builder, service, Duration.ofSeconds(4));
    }

    /**
     * As {@link #configure(AwsClientBuilder, String)}, with a longer budget per call (retries
     * included) for functions that move large items or transactions and have the time for it.
     */
    public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, String service,
                                                                                             Duration apiCallTimeout) {
        Duration attempt = apiCallTimeout.dividedBy(2);
        builder.httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(attempt.plusSeconds(1).compareTo(Duration.ofSeconds(5)) > 0 ? attempt.plusSeconds(1) : Duration.ofSeconds(5))
                        .build())
                .region(Region.of(Env.optional("AWS_REGION", "us-east-1")))
                .overrideConfiguration(c -> c.apiCallAttemptTimeout(attempt).apiCallTimeout(apiCallTimeout));
        String endpoint = Env.optional("AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT),
                Env.optional("AWS_ENDPOINT_URL", null));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
            // An emulator: credentials come from configuration, not from the execution role.
            builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    Env.optional("AWS_ACCESS_KEY_ID", "siyulocal"), Env.optional("AWS_SECRET_ACCESS_KEY", "siyulocal"))));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder;
    }
}
