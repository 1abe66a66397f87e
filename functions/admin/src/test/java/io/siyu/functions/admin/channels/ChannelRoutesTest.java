package io.siyu.functions.admin.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.siyu.functions.admin.AdminHandler;
import io.siyu.lambda.Env;
import io.siyu.testing.AwsEmulators;
import io.siyu.testing.AwsEmulatorsExtension;
import io.siyu.testing.WeComStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("emulator")
@ExtendWith(AwsEmulatorsExtension.class)
class ChannelRoutesTest {

    private static final String ADD_WAY = "{\"errcode\":0,\"errmsg\":\"ok\",\"config_id\":\"42b34949e138eb6e027c123cba77fAAA\","
            + "\"qr_code\":\"http://p.qpic.cn/wwhead/duc2TvpEgSdicZ9RrdUtBkv2UiaA/0\"}";
    private static final String VALID = "{\"name\":\"门店A桌贴\",\"staffUserIds\":[\"zhangsan\"],\"tagIds\":[\"etStoreA\"],"
            + "\"welcome\":{\"text\":\"欢迎\",\"attachment\":{\"type\":\"link\",\"title\":\"新客礼包\",\"url\":\"https://shop.example.com/gift\"}}}";

    private AwsEmulators aws;
    private WeComStub wecom;
    private AdminCalls admin;

    @BeforeEach
    void setUp(AwsEmulators aws) {
        this.aws = aws;
        aws.reset();
        Env.use(aws.environmentOf("AdminFunction"));
        admin = new AdminCalls(new AdminHandler());
        wecom = aws.wecomStub().ok("externalcontact/add_contact_way", ADD_WAY).ok("externalcontact/update_contact_way")
                .ok("externalcontact/del_contact_way");
    }

    @AfterEach
    void restore() {
        Env.useProcessEnvironment();
    }

    private long storedChannels() {
        return aws.dynamoDb().scan(b -> b.tableName(aws.stack().tableName("ChannelsTable"))).count();
    }

    @Test
    void createsAChannelWithItsContactWayAndListsItWithTheQrCode() {
        JsonNode created = admin.call("POST", "/admin/channels", VALID, 201);
        String id = created.path("channelId").asText();
        assertThat(id).matches("[0-9a-z]{8}");
        assertThat(created.path("qrCode").asText()).isEqualTo("http://p.qpic.cn/wwhead/duc2TvpEgSdicZ9RrdUtBkv2UiaA/0");
        assertThat(created.path("configId").asText()).isEqualTo("42b34949e138eb6e027c123cba77fAAA");
        assertThat(created.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(created.path("createdBy").asText()).isEqualTo("ops@example.com");
        assertThat(wecom.bodies("externalcontact/add_contact_way").get(0).toString()).isEqualTo(
                "{\"skip_verify\":true,\"state\":\"ch_" + id + "\",\"remark\":\"门店A桌贴\",\"user\":[\"zhangsan\"],\"type\":1,\"scene\":2}");

        JsonNode list = admin.call("GET", "/admin/channels", null, 200).path("channels");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("qrCode").asText()).startsWith("http://p.qpic.cn/");
        assertThat(admin.call("GET", "/admin/channels/" + id, null, 200).path("welcome").path("attachment").path("url").asText())
                .isEqualTo("https://shop.example.com/gift");
    }

    @Test
    void severalStaffMembersMakeAMultiStaffCodeAndAChosenCodeIsTheState() {
        JsonNode created = admin.call("POST", "/admin/channels",
                "{\"name\":\"直播间\",\"code\":\"live-2026\",\"staffUserIds\":[\"a\",\"b\"],\"skipVerify\":false}", 201);
        assertThat(created.path("channelId").asText()).isEqualTo("live-2026");
        JsonNode body = wecom.bodies("externalcontact/add_contact_way").get(0);
        assertThat(body.path("type").asInt()).isEqualTo(2);
        assertThat(body.path("state").asText()).isEqualTo("ch_live-2026");
        assertThat(body.path("skip_verify").asBoolean()).isFalse();
        admin.call("POST", "/admin/channels", "{\"name\":\"again\",\"code\":\"live-2026\",\"staffUserIds\":[\"a\"]}", 409);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing name and staff | {} | name",
            "empty staff list | {\"name\":\"x\",\"staffUserIds\":[]} | staffUserIds",
            "state over 30 characters | {\"name\":\"x\",\"code\":\"abcdefghijklmnopqrstuvwxyz01\",\"staffUserIds\":[\"a\"]} | code",
            "code with capitals | {\"name\":\"x\",\"code\":\"Store\",\"staffUserIds\":[\"a\"]} | code",
            "staff listed twice | {\"name\":\"x\",\"staffUserIds\":[\"a\",\"a\"]} | staffUserIds",
            "unknown field | {\"name\":\"x\",\"staffUserIds\":[\"a\"],\"colour\":\"red\"} | colour",
            "wrong type | {\"name\":\"x\",\"staffUserIds\":\"a\"} | staffUserIds",
            "welcome without content | {\"name\":\"x\",\"staffUserIds\":[\"a\"],\"welcome\":{}} | welcome",
            "attachment of unknown type | {\"name\":\"x\",\"staffUserIds\":[\"a\"],\"welcome\":{\"attachment\":{\"type\":\"video\"}}} | welcome.attachment.type",
            "link that is not http | {\"name\":\"x\",\"staffUserIds\":[\"a\"],\"welcome\":{\"attachment\":{\"type\":\"link\",\"title\":\"t\",\"url\":\"javascript:alert(1)\"}}} | welcome.attachment.url",
            "image without media id | {\"name\":\"x\",\"staffUserIds\":[\"a\"],\"welcome\":{\"attachment\":{\"type\":\"image\"}}} | welcome.attachment.mediaId",
    })
    void invalidChannelsAreRefusedFieldByFieldAndNothingIsCreated(String name, String body, String field) {
        JsonNode error = admin.call("POST", "/admin/channels", body, 400).path("error");
        assertThat(error.path("fields").has(field)).as(error.toString()).isTrue();
        assertThat(wecom.calls("externalcontact/add_contact_way")).isZero();
        assertThat(storedChannels()).isZero();
    }

    @Test
    void aStateOver30CharactersIsExplainedInWeComsTerms() {
        JsonNode error = admin.call("POST", "/admin/channels",
                "{\"name\":\"x\",\"code\":\"abcdefghijklmnopqrstuvwxyz01\",\"staffUserIds\":[\"a\"]}", 400).path("error");
        assertThat(error.path("fields").path("code").asText()).contains("30");
    }

    @Test
    void unknownStaffIsA400AndLeavesNothingBehind() {
        wecom.error("externalcontact/add_contact_way", 40003, "invalid userid");
        JsonNode error = admin.call("POST", "/admin/channels", VALID, 400).path("error");
        assertThat(error.path("fields").path("staffUserIds").asText()).contains("40003");
        assertThat(storedChannels()).isZero();
    }

    @Test
    void otherWeComRefusalsAre502WithTheErrcode() {
        wecom.error("externalcontact/add_contact_way", 48002, "api forbidden");
        JsonNode error = admin.call("POST", "/admin/channels", VALID, 502).path("error");
        assertThat(error.path("message").asText()).contains("48002");
        assertThat(storedChannels()).isZero();
    }

    @Test
    void aChannelWithAGroupGetsAJoinWayForItsWelcome() {
        wecom.ok("externalcontact/groupchat/add_join_way", "{\"errcode\":0,\"errmsg\":\"ok\",\"config_id\":\"9ad7fa5cdaa6511298498f979c472aaa\"}")
                .ok("externalcontact/groupchat/get_join_way", "{\"errcode\":0,\"errmsg\":\"ok\",\"join_way\":{\"config_id\":"
                        + "\"9ad7fa5cdaa6511298498f979c472aaa\",\"scene\":2,\"qr_code\":\"https://p.qpic.cn/group1\",\"chat_id_list\":[\"wrOgAAAA\"]}}");
        JsonNode created = admin.call("POST", "/admin/channels",
                "{\"name\":\"社群\",\"staffUserIds\":[\"a\"],\"groupChatId\":\"wrOgAAAA\",\"welcome\":{\"text\":\"hi\"}}", 201);
        assertThat(created.path("groupJoinUrl").asText()).isEqualTo("https://p.qpic.cn/group1");
        JsonNode join = wecom.bodies("externalcontact/groupchat/add_join_way").get(0);
        assertThat(join.path("chat_id_list").get(0).asText()).isEqualTo("wrOgAAAA");
        assertThat(join.path("state").asText()).isEqualTo("ch_" + created.path("channelId").asText());
        assertThat(join.path("scene").asInt()).isEqualTo(2);
    }

    @Test
    void updatingStaffSendsTheFullListAndTheCodeCannotChange() {
        String id = admin.call("POST", "/admin/channels", VALID, 201).path("channelId").asText();
        JsonNode updated = admin.call("PUT", "/admin/channels/" + id,
                "{\"name\":\"门店A桌贴\",\"staffUserIds\":[\"zhangsan\",\"lisi\"],\"tagIds\":[]}", 200);
        assertThat(updated.path("staffUserIds")).hasSize(2);
        JsonNode body = wecom.bodies("externalcontact/update_contact_way").get(0);
        assertThat(body.path("config_id").asText()).isEqualTo("42b34949e138eb6e027c123cba77fAAA");
        assertThat(body.path("user").toString()).isEqualTo("[\"zhangsan\",\"lisi\"]");
        admin.call("PUT", "/admin/channels/" + id, "{\"name\":\"x\",\"code\":\"other\",\"staffUserIds\":[\"a\"]}", 400);
        admin.call("PUT", "/admin/channels/nope", VALID, 404);
    }

    @Test
    void tagsAndWelcomeChangesNeedNoWeComCall() {
        String id = admin.call("POST", "/admin/channels", VALID, 201).path("channelId").asText();
        admin.call("PUT", "/admin/channels/" + id, "{\"name\":\"门店A桌贴\",\"staffUserIds\":[\"zhangsan\"],\"tagIds\":[\"etB\"]}", 200);
        assertThat(wecom.calls("externalcontact/update_contact_way")).isZero();
    }

    @Test
    void archivingDeletesTheContactWayOnceAndFreezesTheChannel() {
        String id = admin.call("POST", "/admin/channels", VALID, 201).path("channelId").asText();
        assertThat(admin.call("POST", "/admin/channels/" + id + "/archive", null, 200).path("status").asText()).isEqualTo("ARCHIVED");
        admin.call("POST", "/admin/channels/" + id + "/archive", null, 200);
        assertThat(wecom.calls("externalcontact/del_contact_way")).isEqualTo(1);
        admin.call("PUT", "/admin/channels/" + id, VALID, 409);
        assertThat(admin.call("GET", "/admin/channels", null, 200).path("channels")).isEmpty();
        assertThat(admin.call("GET", "/admin/channels?status=archived", null, 200).path("channels")).hasSize(1);
        admin.call("GET", "/admin/channels?status=deleted", null, 400);
    }

    @Test
    void statsAndRankingRefuseBadQueries() {
        String id = admin.call("POST", "/admin/channels", VALID, 201).path("channelId").asText();
        admin.call("GET", "/admin/channels/unknown/stats", null, 404);
        admin.call("GET", "/admin/channels/" + id + "/stats?from=yesterday", null, 400);
        admin.call("GET", "/admin/channels/" + id + "/stats?from=2026-11-10&to=2026-11-01", null, 400);
        admin.call("GET", "/admin/channels/" + id + "/stats?from=2024-01-01&to=2026-01-01", null, 400);
        admin.call("GET", "/admin/channels/ranking?by=colour", null, 400);
        JsonNode empty = admin.call("GET", "/admin/channels/" + id + "/stats?from=2026-11-01&to=2026-11-03", null, 200);
        assertThat(empty.path("days")).hasSize(3);
        assertThat(empty.path("totals").path("net").asLong()).isZero();
        admin.call("GET", "/admin/channels/_unattributed/stats", null, 200);
    }

    @Test
    void anUnknownCustomerIs404() {
        admin.call("GET", "/admin/customers/wmNobody", null, 404);
    }
}
