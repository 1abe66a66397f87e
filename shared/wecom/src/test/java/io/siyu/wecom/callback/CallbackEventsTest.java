package io.siyu.wecom.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.testing.Fixtures;
import io.siyu.wecom.callback.CallbackEvent.ChatChange;
import io.siyu.wecom.callback.CallbackEvent.ContactChange;
import io.siyu.wecom.callback.CallbackEvent.ExternalChatChange;
import io.siyu.wecom.callback.CallbackEvent.ExternalContactChange;
import io.siyu.wecom.callback.CallbackEvent.ExternalTagChange;
import io.siyu.wecom.callback.CallbackEvent.TagChange;
import org.junit.jupiter.api.Test;

class CallbackEventsTest {

    private static CallbackEvent parse(String fixture) {
        return CallbackEvents.parse(CallbackXml.parse(Fixtures.text("wecom/events/" + fixture)));
    }

    @Test
    void addExternalContactCarriesStateAndWelcomeCode() {
        assertThat(parse("add_external_contact.xml")).isEqualTo(new ExternalContactChange("toUser", 1403610513L,
                ContactChange.ADD_EXTERNAL_CONTACT, "zhangsan", "woAJ2GCAAAXtWyujaWJHDDGi0mAAAA", "teststate",
                "WELCOMECODE", null, null));
    }

    @Test
    void everyContactChangeTypeIsTyped() {
        assertThat(((ExternalContactChange) parse("add_half_external_contact.xml")).change()).isEqualTo(ContactChange.ADD_HALF_EXTERNAL_CONTACT);
        assertThat(((ExternalContactChange) parse("edit_external_contact.xml")).change()).isEqualTo(ContactChange.EDIT_EXTERNAL_CONTACT);
        ExternalContactChange deleted = (ExternalContactChange) parse("del_external_contact.xml");
        assertThat(deleted.change()).isEqualTo(ContactChange.DEL_EXTERNAL_CONTACT);
        assertThat(deleted.source()).isEqualTo("DELETE_BY_TRANSFER");
        assertThat(((ExternalContactChange) parse("del_follow_user.xml")).change()).isEqualTo(ContactChange.DEL_FOLLOW_USER);
        ExternalContactChange transfer = (ExternalContactChange) parse("transfer_fail.xml");
        assertThat(transfer.change()).isEqualTo(ContactChange.TRANSFER_FAIL);
        assertThat(transfer.failReason()).isEqualTo("customer_refused");
    }

    @Test
    void groupMemberChangesCarryTheMemberListAndVersions() {
        ExternalChatChange joined = (ExternalChatChange) parse("change_external_chat_add_member.xml");
        assertThat(joined.change()).isEqualTo(ChatChange.UPDATE);
        assertThat(joined.updateDetail()).isEqualTo("add_member");
        assertThat(joined.joinScene()).isEqualTo(1);
        assertThat(joined.memberChangeCount()).isEqualTo(10);
        assertThat(joined.memberChangeList()).containsExactly("Jack", "Rose");
        assertThat(joined.lastMemberVersion()).isEqualTo("9c3f97c2ada667dfb5f6d03308d963e1");
        assertThat(joined.currentMemberVersion()).isEqualTo("71217227bbd112ecfe3a49c482195cb4");
        ExternalChatChange left = (ExternalChatChange) parse("change_external_chat_del_member.xml");
        assertThat(left.quitScene()).isZero();
        assertThat(left.memberChangeList()).containsExactly("wmAJ2GCAAAme1XQRC-NI-q0_ZM9ukoAw");
        assertThat(((ExternalChatChange) parse("change_external_chat_dismiss.xml")).change()).isEqualTo(ChatChange.DISMISS);
        assertThat(((ExternalChatChange) parse("change_external_chat_create.xml")).change()).isEqualTo(ChatChange.CREATE);
    }

    @Test
    void aCommaJoinedMemberListIsReadToo() {
        String xml = "<xml><ToUserName>c</ToUserName><CreateTime>1</CreateTime><Event>change_external_chat</Event>"
                + "<ChangeType>update</ChangeType><ChatId>x</ChatId><UpdateDetail>add_member</UpdateDetail>"
                + "<MemChangeList><![CDATA[a, b,c]]></MemChangeList></xml>";
        assertThat(((ExternalChatChange) CallbackEvents.parse(CallbackXml.parse(xml))).memberChangeList()).containsExactly("a", "b", "c");
    }

    @Test
    void tagChange() {
        assertThat(parse("change_external_tag_create.xml"))
                .isEqualTo(new ExternalTagChange("toUser", 1403610513L, TagChange.CREATE, "TAG_ID", "tag", null));
    }

    @Test
    void unknownEventsAndChangeTypesBecomeOtherWithAllTheirFields() {
        CallbackEvent.Other other = (CallbackEvent.Other) parse("unknown_event.xml");
        assertThat(other.event()).isEqualTo("change_contact");
        assertThat(other.fields()).containsEntry("UserID", "lisi");
        assertThat(parse("unknown_change_type.xml")).isInstanceOf(CallbackEvent.Other.class);
    }

    @Test
    void identityIsStableAndFollowsEveryField() {
        String xml = Fixtures.text("wecom/events/add_external_contact.xml");
        String id = CallbackEvents.identity(CallbackXml.parse(xml));
        assertThat(CallbackEvents.identity(CallbackXml.parse(xml))).isEqualTo(id);
        assertThat(id).startsWith("1403610513-").hasSize("1403610513-".length() + 32);
        String otherCustomer = xml.replace("mAAAA", "mBBBB");
        assertThat(CallbackEvents.identity(CallbackXml.parse(otherCustomer))).isNotEqualTo(id);
        String otherState = xml.replace("teststate", "otherstate");
        assertThat(CallbackEvents.identity(CallbackXml.parse(otherState))).isNotEqualTo(id);
        // Same second, same staff, another event type: distinct (FromUserName is always "sys").
        String deleted = Fixtures.text("wecom/events/del_follow_user.xml").replace("mACHAAA", "mAAAA");
        assertThat(CallbackEvents.identity(CallbackXml.parse(deleted))).isNotEqualTo(id);
    }

    @Test
    void identityIgnoresWhitespaceAroundValues() {
        String a = "<xml><CreateTime>1</CreateTime><A>x</A></xml>";
        String b = "<xml>\n  <CreateTime> 1 </CreateTime>\n  <A>x</A>\n</xml>";
        assertThat(CallbackEvents.identity(CallbackXml.parse(a))).isEqualTo(CallbackEvents.identity(CallbackXml.parse(b)));
    }
}
