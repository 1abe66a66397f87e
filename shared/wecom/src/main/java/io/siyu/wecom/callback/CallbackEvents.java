package io.siyu.wecom.callback;

import io.siyu.wecom.callback.CallbackEvent.ChatChange;
import io.siyu.wecom.callback.CallbackEvent.ContactChange;
import io.siyu.wecom.callback.CallbackEvent.TagChange;
import io.siyu.wecom.callback.CallbackRejected.Check;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Turns decrypted callback XML fields into a typed {@link CallbackEvent} and an identity. */
public final class CallbackEvents {

    private CallbackEvents() {}

    public static CallbackEvent parse(CallbackXml.Fields f) {
        String corpId = f.get("ToUserName");
        long createTime = createTime(f.get("CreateTime"));
        String event = f.get("Event");
        String changeType = f.get("ChangeType");
        if (event != null && changeType != null) {
            switch (event) {
                case "change_external_contact" -> {
                    ContactChange change = enumOf(ContactChange.class, changeType);
                    if (change != null) {
                        return new CallbackEvent.ExternalContactChange(corpId, createTime, change, f.get("UserID"),
                                f.get("ExternalUserID"), blankToNull(f.get("State")), blankToNull(f.get("WelcomeCode")),
                                blankToNull(f.get("Source")), blankToNull(f.get("FailReason")));
                    }
                }
                case "change_external_chat" -> {
                    ChatChange change = enumOf(ChatChange.class, changeType);
                    if (change != null) {
                        return new CallbackEvent.ExternalChatChange(corpId, createTime, change, f.get("ChatId"),
                                blankToNull(f.get("UpdateDetail")), integer(f.get("JoinScene")), integer(f.get("QuitScene")),
                                integer(f.get("MemChangeCnt")), memberList(f), blankToNull(f.get("LastMemVer")),
                                blankToNull(f.get("CurMemVer")));
                    }
                }
                case "change_external_tag" -> {
                    TagChange change = enumOf(TagChange.class, changeType);
                    if (change != null) {
                        return new CallbackEvent.ExternalTagChange(corpId, createTime, change, blankToNull(f.get("Id")),
                                blankToNull(f.get("TagType")), blankToNull(f.get("StrategyId")));
                    }
                }
                default -> { }
            }
        }
        return new CallbackEvent.Other(corpId, createTime, f.get("MsgType"), event, changeType, Map.copyOf(f.values()));
    }

    /**
     * A deterministic identity from the event's own content, never from the request (nonce,
     * timestamp, ciphertext differ on every retry). FromUserName is always {@code sys} and several
     * events share one second, so every field takes part: SHA-256 over the fields sorted by name.
     * The CreateTime prefix keeps identities readable in logs.
     */
    public static String identity(CallbackXml.Fields f) {
        Map<String, String> sorted = new TreeMap<>(f.values());
        f.lists().forEach((k, v) -> sorted.put(k, String.join("\u001f", v)));
        MessageDigest sha = sha256();
        sorted.forEach((k, v) -> {
            sha.update(k.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0x1e);
            sha.update(v.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0x1d);
        });
        String time = f.get("CreateTime") == null ? "0" : f.get("CreateTime").strip();
        return time + "-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    /** MemChangeList as {@code <Item>} children (official samples) or one comma-joined text (some SDK tests). */
    private static List<String> memberList(CallbackXml.Fields f) {
        List<String> items = f.list("MemChangeList");
        if (!items.isEmpty()) {
            return items;
        }
        String joined = f.get("MemChangeList");
        if (joined == null || joined.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(joined.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static long createTime(String value) {
        if (value == null) {
            throw new CallbackRejected(Check.MALFORMED_XML, "CreateTime is missing");
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new CallbackRejected(Check.MALFORMED_XML, "CreateTime is not a number");
        }
    }

    private static Integer integer(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            return null; // an odd scene code is not worth rejecting the event for
        }
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String value) {
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
