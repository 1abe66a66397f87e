package io.siyu.local.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.siyu.emulators.HttpFront;
import io.siyu.emulators.template.FunctionDefinition;
import io.siyu.emulators.template.SamTemplate;
import io.siyu.testing.RepositoryFiles;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The IAM model the local stack enforces, on the real template.yaml: SAM policy templates and
 * statements grant per table and per index, and a request needs one action per table and per
 * transaction item, as IAM evaluates them.
 */
class DynamoDbPolicyTest {

    private static final SamTemplate TEMPLATE = SamTemplate.load(RepositoryFiles.template());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Physical names in these requests are "phys-" + logical id. */
    private static final Function<String, String> TABLE_ID = name -> name.startsWith("phys-") ? name.substring(5) : null;

    private static DynamoDbPolicy policy(String function) {
        FunctionDefinition f = TEMPLATE.function(function);
        return new DynamoDbPolicy(f, TABLE_ID, "arn:aws:dynamodb:us-east-1:000000000000:table/");
    }

    private static HttpFront.Answer call(DynamoDbPolicy policy, String operation, String body) {
        return policy.answer(new HttpFront.Request("POST", "/", "DynamoDB_20120810." + operation,
                body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String table(String logicalId) {
        return "{\"TableName\":\"phys-" + logicalId + "\"}";
    }

    @Test
    void aWritePolicyAllowsPutsAndUpdatesButNotDeletesOrReads() {
        DynamoDbPolicy rfm = policy("RfmFunction");
        assertThat(call(rfm, "PutItem", table("IdempotencyTable"))).isNull();
        assertThat(call(rfm, "UpdateItem", table("IdempotencyTable"))).isNull();

        HttpFront.Answer delete = call(rfm, "DeleteItem", table("IdempotencyTable"));
        assertThat(delete).isNotNull();
        assertThat(delete.status()).isEqualTo(400);
        assertThat(delete.body()).contains("AccessDeniedException")
                .contains("not authorized to perform: dynamodb:DeleteItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/phys-IdempotencyTable");
        assertThat(call(rfm, "GetItem", table("IdempotencyTable"))).isNotNull();
        assertThat(rfm.denied()).hasSize(2);
    }

    @Test
    void theGrantsTheCodeNeedsAreInTheTemplate() {
        // Found missing by reading the code: each would have failed only in AWS.
        assertThat(call(policy("CallbackFunction"), "DeleteItem", table("IdempotencyTable"))).isNull();
        assertThat(call(policy("RfmFunction"), "DeleteItem", table("RfmTable"))).isNull();
        assertThat(call(policy("RfmDailyFunction"), "DeleteItem", table("RfmTable"))).isNull();
        assertThat(call(policy("LinksFunction"), "BatchGetItem", "{\"RequestItems\":{\"phys-LinksTable\":{\"Keys\":[]}}}")).isNull();
    }

    @Test
    void aStatementOnTheTableArnDoesNotCoverItsIndexes() {
        DynamoDbPolicy links = policy("LinksFunction");
        assertThat(call(links, "GetItem", table("LinksTable"))).isNull();
        assertThat(call(links, "Query", "{\"TableName\":\"phys-LinksTable\",\"IndexName\":\"ByStep\"}")).isNotNull();
        assertThat(links.denied()).containsExactly("dynamodb:Query on arn:aws:dynamodb:us-east-1:000000000000:table/phys-LinksTable/index/ByStep (Query)");
        // A SAM template covers table/index/* as well.
        assertThat(call(policy("AdminFunction"), "Query", "{\"TableName\":\"phys-LinksTable\",\"IndexName\":\"ByStep\"}")).isNull();
    }

    @Test
    void everyItemOfATransactionIsCheckedAsItsOwnAction() {
        DynamoDbPolicy links = policy("LinksFunction");
        String allowed = "{\"TransactItems\":[{\"Put\":{\"TableName\":\"phys-LinksTable\"}},{\"Update\":{\"TableName\":\"phys-LinksTable\"}},"
                + "{\"ConditionCheck\":{\"TableName\":\"phys-LinksTable\"}}]}";
        assertThat(call(links, "TransactWriteItems", allowed)).isNull();
        String withDelete = "{\"TransactItems\":[{\"Put\":{\"TableName\":\"phys-LinksTable\"}},{\"Delete\":{\"TableName\":\"phys-LinksTable\"}}]}";
        assertThat(call(links, "TransactWriteItems", withDelete)).isNotNull();
        String otherTable = "{\"TransactItems\":[{\"Put\":{\"TableName\":\"phys-LinksTable\"}},{\"Put\":{\"TableName\":\"phys-SopTable\"}}]}";
        assertThat(call(links, "TransactWriteItems", otherTable)).isNotNull();
        assertThat(links.denied()).extracting(d -> d.substring(0, d.indexOf(' ')))
                .containsExactly("dynamodb:DeleteItem", "dynamodb:PutItem");
    }

    @Test
    void batchesNeedTheBatchActionOnEveryTableTheyName() {
        DynamoDbPolicy chains = policy("SopPlannerChainsFunction");
        assertThat(call(chains, "BatchGetItem", "{\"RequestItems\":{\"phys-RfmTable\":{},\"phys-SopDispatchTable\":{}}}")).isNull();
        assertThat(call(chains, "BatchWriteItem", "{\"RequestItems\":{\"phys-SopDispatchTable\":{}}}")).isNull();
        assertThat(call(chains, "BatchWriteItem", "{\"RequestItems\":{\"phys-SopDispatchTable\":{},\"phys-RfmTable\":{}}}")).isNotNull();
    }

    @Test
    void tablesOutsideTheTemplateAndOperationsWithoutATableAreRefused() throws Exception {
        DynamoDbPolicy admin = policy("AdminFunction");
        assertThat(call(admin, "GetItem", "{\"TableName\":\"someone-elses-table\"}")).isNotNull();
        assertThat(call(admin, "ListTables", "{}")).isNotNull();
        assertThat(call(admin, "DeleteTable", table("ChannelsTable"))).isNotNull();
        // Not DynamoDB's JSON protocol: not this gate's business (DynamoDB answers it).
        assertThat(admin.answer(new HttpFront.Request("POST", "/", null, "{}".getBytes(StandardCharsets.UTF_8)))).isNull();
        assertThat(JSON.readTree(call(admin, "ListTables", "{}").body()).path("__type").asText())
                .isEqualTo("com.amazon.coral.service#AccessDeniedException");
    }
}
