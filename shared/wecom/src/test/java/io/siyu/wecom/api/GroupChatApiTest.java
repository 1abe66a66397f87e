package io.siyu.wecom.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.siyu.testing.Fixtures;
import io.siyu.testing.WeComServer;
import io.siyu.testing.WeComStub;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GroupChatApiTest {

    @RegisterExtension
    static final WeComServer WECOM = new WeComServer();

    private WeComStub wecom;
    private GroupChatApi api;

    @BeforeEach
    void setUp() {
        wecom = WECOM.stub();
        api = new GroupChatApi(WeComClient.create(WECOM.baseUri(), "ww1", () -> "secret", Duration.ofSeconds(2)));
    }

    @Test
    void readsTheOfficialGroupDetailSample() {
        wecom.ok("externalcontact/groupchat/get", Fixtures.text("wecom/api/groupchat_get.json"));
        GroupChatApi.GroupChat g = api.get("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", false);
        assertThat(g.name()).isEqualTo("销售客服群");
        assertThat(g.owner()).isEqualTo("ZhuShengBen");
        assertThat(g.adminUserIds()).containsExactly("sam", "pony");
        assertThat(g.memberVersion()).isNull();
        assertThat(g.members()).hasSize(2);
        GroupChatApi.Member staff = g.member("abel").orElseThrow();
        assertThat(staff.external()).isFalse();
        assertThat(staff.invitorUserId()).isEqualTo("jack");
        GroupChatApi.Member customer = g.member("wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA").orElseThrow();
        assertThat(customer.external()).isTrue();
        assertThat(customer.unionId()).isEqualTo("ozynqsulJFCZ2z1aYeS8h-nuasdAAA");
        assertThat(customer.joinTime()).isEqualTo(1572505491L);
        assertThat(customer.state()).isNull();
        assertThat(wecom.bodies("externalcontact/groupchat/get").get(0).toString())
                .isEqualTo("{\"chat_id\":\"wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA\",\"need_name\":0}");
    }

    @Test
    void readsEachMembersJoinStateAndTheMemberVersion() {
        wecom.ok("externalcontact/groupchat/get", Fixtures.text("wecom/api/groupchat_get_with_state.json"));
        GroupChatApi.GroupChat g = api.get("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", true);
        assertThat(g.memberVersion()).isEqualTo("71217227bbd112ecfe3a49c482195cb4");
        assertThat(g.member("wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA").orElseThrow())
                .extracting(GroupChatApi.Member::state, GroupChatApi.Member::joinScene).containsExactly("klsdup3kj3s1", 3);
        assertThat(g.member("abel").orElseThrow().state()).isNull();
        assertThat(g.member("nobody")).isEmpty();
        assertThat(wecom.bodies("externalcontact/groupchat/get").get(0).path("need_name").asInt()).isEqualTo(1);
    }

    @Test
    void addsAJoinWayWithWeComsFieldNames() {
        wecom.ok("externalcontact/groupchat/add_join_way", Fixtures.text("wecom/api/groupchat_add_join_way.json"));
        String configId = api.addJoinWay(new GroupChatApi.JoinWayRequest(
                List.of("wrOgQhDgAAH2Yy-CTZ6POca8mlBEdaaa", "wrOgQhDgAALPUthpRAKvl7mgiQRwAAA"), "rf_k3v9x2pq_0123456789",
                "aa_remark", false, null, null));
        assertThat(configId).isEqualTo("9ad7fa5cdaa6511298498f979c472aaa");
        assertThat(wecom.bodies("externalcontact/groupchat/add_join_way").get(0).toString()).isEqualTo(
                "{\"scene\":2,\"remark\":\"aa_remark\",\"auto_create_room\":0,"
                        + "\"chat_id_list\":[\"wrOgQhDgAAH2Yy-CTZ6POca8mlBEdaaa\",\"wrOgQhDgAALPUthpRAKvl7mgiQRwAAA\"],"
                        + "\"state\":\"rf_k3v9x2pq_0123456789\"}");
        assertThat(wecom.requests("externalcontact/groupchat/add_join_way").get(0).queryParameter("access_token").firstValue())
                .isEqualTo(WeComStub.ACCESS_TOKEN);
    }

    @Test
    void autoCreatedRoomsCarryTheirBaseNameAndId() {
        wecom.ok("externalcontact/groupchat/add_join_way", Fixtures.text("wecom/api/groupchat_add_join_way.json"));
        api.addJoinWay(new GroupChatApi.JoinWayRequest(List.of("wr1"), null, null, true, "销售客服群", 10));
        assertThat(wecom.bodies("externalcontact/groupchat/add_join_way").get(0).toString()).isEqualTo(
                "{\"scene\":2,\"auto_create_room\":1,\"room_base_name\":\"销售客服群\",\"room_base_id\":10,\"chat_id_list\":[\"wr1\"]}");
    }

    @Test
    void readsTheOfficialJoinWaySample() {
        wecom.ok("externalcontact/groupchat/get_join_way", Fixtures.text("wecom/api/groupchat_get_join_way.json"));
        GroupChatApi.JoinWay way = api.getJoinWay("9ad7fa5cdaa6511298498f979c472aaa");
        assertThat(way.qrCode()).startsWith("http://p.qpic.cn/wwhead/");
        assertThat(way.state()).isEqualTo("klsdup3kj3s1");
        assertThat(way.chatIds()).containsExactly("wrOgQhDgAAH2Yy-CTZ6POca8mlBEdaaa", "wrOgQhDgAALPUthpRAKvl7mgiQRw_aaa");
        assertThat(way.autoCreateRoom()).isTrue();
        assertThat(way.roomBaseId()).isEqualTo(10);
        assertThat(wecom.bodies("externalcontact/groupchat/get_join_way").get(0).toString())
                .isEqualTo("{\"config_id\":\"9ad7fa5cdaa6511298498f979c472aaa\"}");
    }

    @Test
    void moreThanFiveChatsIsWeComsError41091() {
        wecom.error("externalcontact/groupchat/add_join_way", 41091, "invalid chat_id_list");
        assertThatThrownBy(() -> api.addJoinWay(new GroupChatApi.JoinWayRequest(List.of("1", "2", "3", "4", "5", "6"),
                "s", null, false, null, null))).isInstanceOfSatisfying(WeComException.class, e -> {
                    assertThat(e.errcode()).isEqualTo(41091);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void deletesAJoinWay() {
        wecom.ok("externalcontact/groupchat/del_join_way");
        api.deleteJoinWay("9ad7fa5cdaa6511298498f979c472aaa");
        assertThat(wecom.bodies("externalcontact/groupchat/del_join_way").get(0).toString())
                .isEqualTo("{\"config_id\":\"9ad7fa5cdaa6511298498f979c472aaa\"}");
    }
}
