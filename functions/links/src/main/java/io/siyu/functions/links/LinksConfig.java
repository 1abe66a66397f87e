package io.siyu.functions.links;

import io.siyu.dynamodb.DynamoDbLinks;
import io.siyu.lambda.AwsClients;
import io.siyu.lambda.Env;
import io.siyu.lambda.Observability;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The links function's configuration, read once at init. */
record LinksConfig(String corpId, String linksTable) {

    static LinksConfig fromEnvironment() {
        return new LinksConfig(Env.required("WECOM_CORP_ID"), Env.required("LINKS_TABLE"));
    }

    LinkRedirect redirect() {
        DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), "DYNAMODB").build();
        return new LinkRedirect(corpId, new DynamoDbLinks(dynamoDb, linksTable, Clock.systemUTC()),
                e -> Observability.count("LinkCountFailed"));
    }
}
