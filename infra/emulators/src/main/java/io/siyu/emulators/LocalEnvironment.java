package io.siyu.emulators;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an emulated stack adds to every function's template environment: the emulators' endpoints
 * and credentials (the SDK's own {@code AWS_ENDPOINT_URL_<SERVICE>} names, read by
 * io.siyu.lambda.AwsClients), the WeCom API base URL, and the WeCom secrets as plain values
 * ({@code WECOM_TOKEN}, {@code WECOM_AES_KEY}, {@code WECOM_SECRET}, which io.siyu.lambda.Secret
 * prefers to the SSM parameter names the template passes), and the order sources' HMAC keys
 * ({@code ORDER_SOURCE_SECRETS}: one source, {@link #ORDER_SOURCE}, docs/orders.md). The test
 * harness and the local stack both build it here, so a handler sees the same variables in both.
 */
public final class LocalEnvironment {

    /** The order source a local stack knows, and its HMAC key (sign requests to /orders with it). */
    public static final String ORDER_SOURCE = "mall";
    public static final String ORDER_SOURCE_SECRET = "local-mall-hmac-key-0123456789abcdef";

    private LocalEnvironment() {}

    public static Map<String, String> of(AwsEndpoints endpoints, String wecomBaseUrl, String wecomToken,
                                         String wecomAesKey, String wecomSecret) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", endpoints.region());
        env.put("AWS_ACCESS_KEY_ID", AwsEndpoints.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", AwsEndpoints.SECRET_KEY);
        env.put("AWS_ENDPOINT_URL_DYNAMODB", endpoints.dynamoDb().toString());
        env.put("AWS_ENDPOINT_URL_SQS", endpoints.sqs().toString());
        env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", endpoints.eventBridge().toString());
        env.put("WECOM_API_BASE_URL", wecomBaseUrl);
        env.put("WECOM_TOKEN", wecomToken);
        env.put("WECOM_AES_KEY", wecomAesKey);
        env.put("WECOM_SECRET", wecomSecret);
        env.put("ORDER_SOURCE_SECRETS", "{\"" + ORDER_SOURCE + "\":\"" + ORDER_SOURCE_SECRET + "\"}");
        return env;
    }
}
