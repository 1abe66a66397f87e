package io.siyu.functions.admin.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.siyu.core.contacts.ContactFact;
import io.siyu.core.contacts.ContactFact.Kind;
import io.siyu.core.contacts.ContactLedger.Profile;
import io.siyu.dynamodb.ContactItems;
import io.siyu.dynamodb.DynamoDbContactLedger;
import io.siyu.functions.admin.AdminHandler;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GET /admin/customers?name= through the admin handler as deployed, on the emulated Contacts
 * table, with profiles stored the way attribution stores them (record, then the fetched profile).
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class CustomerSearchTest {

    private static final String CORP = AwsEmulators.CORP_ID;

    private AwsEmulators aws;
    private DynamoDbContactLedger ledger;
    private AdminCalls admin;
    private int events;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        Env.use(aws.environmentOf("AdminFunction"));
        admin = new AdminCalls(new AdminHandler());
        ledger = new DynamoDbContactLedger(aws.dynamoDb(), aws.stack().tableName("ContactsTable"),
                aws.stack().tableName("ChannelStatsTable"), ContactItems.CORP_ZONE);
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    /** A customer added by zhang, then their profile as externalcontact/get gave it. */
    private void customer(String corp, String id, String name) {
        ledger.record(corp, id, new ContactFact("ev" + events++, Instant.now(), Kind.ADD, "zhang", "ch_storea01", null), false);
        ledger.finishPending(corp, id, "zhang", null, new Profile(name, 1, null));
    }

    /** AdminCalls passes the query as API Gateway does, decoded: the name goes as it is. */
    private List<String> found(String name) {
        return ids(admin.call("GET", "/admin/customers?name=" + name, null, 200));
    }

    private static List<String> ids(JsonNode answer) {
        return answer.path("customers").findValuesAsText("externalUserId");
    }

    @Test
    void aNamePrefixFindsTheCustomersWhoseNameBeginsWithIt() {
        customer(CORP, "wmAliceWang", "Alice Wang");
        customer(CORP, "wmAliceWu", "alice wu");
        customer(CORP, "wmAliceZhou", "ＡＬＩＣＥ Zhou"); // full-width letters, as some WeChat nicknames have
        customer(CORP, "wmZhangSan", "张三");
        customer(CORP, "wmZhangSanFeng", "张三丰");
        customer(CORP, "wmLiSi", "李四");
        customer(CORP, "wmNoName", "");
        customer("wwothercorp0000001", "wmAliceOther", "Alice Other"); // another corp's customer is never found

        assertThat(found("alice")).containsExactly("wmAliceWang", "wmAliceWu", "wmAliceZhou");
        assertThat(found("ALICE W")).containsExactly("wmAliceWang", "wmAliceWu");
        assertThat(found("alicewa")).containsExactly("wmAliceWang");
        assertThat(found("张三")).containsExactly("wmZhangSan", "wmZhangSanFeng");
        assertThat(found("张三丰")).containsExactly("wmZhangSanFeng");
        assertThat(found("王")).isEmpty();
        assertThat(found("wm")).isEmpty(); // ids are not names
        JsonNode one = admin.call("GET", "/admin/customers?name=李", null, 200);
        JsonNode li = one.path("customers").get(0);
        assertThat(li.path("name").asText()).isEqualTo("李四");
        assertThat(li.path("firstChannelId").asText()).isEqualTo("storea01");
        assertThat(li.path("activeRelationships").asInt()).isEqualTo(1);
        assertThat(ids(admin.call("GET", "/admin/customers?name=alice&limit=2", null, 200))).containsExactly("wmAliceWang", "wmAliceWu");
    }

    @Test
    void aRenamedCustomerIsFoundByTheNewNameOnlyAndABlankNameLeavesTheIndex() {
        customer(CORP, "wmBob", "Bob");
        assertThat(found("bob")).containsExactly("wmBob");
        ledger.finishPending(CORP, "wmBob", "zhang", null, new Profile("Carol", 1, null));
        assertThat(found("bob")).isEmpty();
        assertThat(found("car")).containsExactly("wmBob");
        ledger.finishPending(CORP, "wmBob", "zhang", null, new Profile(" ", 1, null));
        assertThat(found("car")).isEmpty();
        assertThat(aws.dynamoDb().scan(b -> b.tableName(aws.stack().tableName("ContactsTable")).indexName(ContactItems.BY_NAME)).count())
                .isZero();
    }

    @Test
    void badSearchesAre400NamingTheParameter() {
        assertThat(admin.call("GET", "/admin/customers", null, 400).path("error").path("fields").has("name")).isTrue();
        assertThat(admin.call("GET", "/admin/customers?name=   ", null, 400).path("error").path("fields").has("name")).isTrue();
        assertThat(admin.call("GET", "/admin/customers?name=" + "a".repeat(65), null, 400).path("error").path("fields").has("name")).isTrue();
        assertThat(admin.call("GET", "/admin/customers?name=a&limit=0", null, 400).path("error").path("fields").has("limit")).isTrue();
        assertThat(admin.call("GET", "/admin/customers?name=a&limit=51", null, 400).path("error").path("fields").has("limit")).isTrue();
        assertThat(admin.call("GET", "/admin/customers?name=a&limit=x", null, 400).path("error").path("fields").has("limit")).isTrue();
        assertThat(admin.call("GET", "/admin/customers?name=a&id=wmA", null, 400).path("error").path("fields").has("id")).isTrue();
    }
}
