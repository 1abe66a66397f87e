package io.siyu.bench.callback;

import io.siyu.wecom.callback.CallbackCrypto;
import io.siyu.wecom.callback.CallbackEnvelope;
import io.siyu.wecom.callback.CallbackEvent;
import io.siyu.wecom.callback.CallbackEvents;
import io.siyu.wecom.callback.CallbackXml;
import java.util.concurrent.TimeUnit;
import me.chanjar.weixin.cp.bean.message.WxCpXmlMessage;
import me.chanjar.weixin.cp.config.impl.WxCpDefaultConfigImpl;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Verify + decrypt + parse of one typical add_external_contact callback (the official sample
 * with a corp's ids), Siyu's path against WxJava's (WxCpXmlMessage.fromEncryptedXml, which
 * checks the signature, decrypts with WxCryptUtil and maps the XML with XStream). Same inputs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CallbackPathBenchmark {

    static final String TOKEN = "QDG6eK";
    static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final String CORP_ID = "ww1234567890abcdef";
    static final String EVENT = "<xml><ToUserName><![CDATA[" + CORP_ID + "]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
            + "<CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            + "<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType>"
            + "<UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mAAAA]]></ExternalUserID>"
            + "<State><![CDATA[ch_k3v9x2pq]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode></xml>";

    CallbackCrypto crypto;
    WxCpDefaultConfigImpl wxConfig;
    String body;
    String signature;
    final String timestamp = "1409659813";
    final String nonce = "1372623149";

    @Setup
    public void setUp() {
        crypto = new CallbackCrypto(TOKEN, AES_KEY, CORP_ID);
        String encrypted = crypto.encrypt(EVENT, new byte[16]);
        body = new CallbackEnvelope(CORP_ID, "1000002", encrypted).toXml();
        signature = crypto.signature(timestamp, nonce, encrypted);
        wxConfig = new WxCpDefaultConfigImpl();
        wxConfig.setCorpId(CORP_ID);
        wxConfig.setToken(TOKEN);
        wxConfig.setAesKey(AES_KEY);
        // Both sides must agree before anything is timed.
        CallbackEvent ours = siyu();
        WxCpXmlMessage theirs = wxJava();
        if (!(ours instanceof CallbackEvent.ExternalContactChange c) || !c.externalUserId().equals(theirs.getExternalUserId())) {
            throw new IllegalStateException("the two paths disagree: " + ours + " / " + theirs);
        }
    }

    /** Siyu: parse the envelope, verify, decrypt (ReceiveId checked), parse, type the event. */
    @Benchmark
    public CallbackEvent siyu() {
        CallbackEnvelope envelope = CallbackEnvelope.parse(body);
        crypto.verify(signature, timestamp, nonce, envelope.encrypt());
        return CallbackEvents.parse(CallbackXml.parse(crypto.decrypt(envelope.encrypt())));
    }

    /** WxJava: the same work through its documented entry point. */
    @Benchmark
    public WxCpXmlMessage wxJava() {
        return WxCpXmlMessage.fromEncryptedXml(body, wxConfig, timestamp, nonce, signature);
    }
}
