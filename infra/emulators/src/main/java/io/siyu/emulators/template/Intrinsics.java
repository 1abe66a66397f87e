package io.siyu.emulators.template;

import static io.siyu.emulators.template.SamTemplate.asList;
import static io.siyu.emulators.template.SamTemplate.asMap;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Resolves the intrinsic functions the template uses in values (Ref, Fn::GetAtt, Fn::Sub,
 * Fn::Join) against what a stack has created. Conditions and the rest are not needed by any
 * value Siyu reads, and are refused loudly rather than guessed.
 */
public final class Intrinsics {

    /** What a Ref or a GetAtt resolves to in one concrete stack (emulated or real). */
    public interface Names {
        String ref(String logicalIdOrParameter);

        String getAtt(String logicalId, String attribute);
    }

    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private Intrinsics() {}

    /** The value as a string, every reference resolved. */
    public static String resolve(Object value, Names names) {
        if (value == null) {
            return null;
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        Map<String, Object> fn = asMap(value);
        if (fn.size() != 1) {
            throw new IllegalArgumentException("not a scalar or an intrinsic: " + value);
        }
        Map.Entry<String, Object> e = fn.entrySet().iterator().next();
        return switch (e.getKey()) {
            case "Ref" -> names.ref(String.valueOf(e.getValue()));
            case "Fn::GetAtt" -> {
                List<Object> parts = asList(e.getValue());
                yield names.getAtt(String.valueOf(parts.get(0)), String.valueOf(parts.get(1)));
            }
            case "Fn::Sub" -> sub(e.getValue(), names);
            case "Fn::Join" -> {
                List<Object> args = asList(e.getValue());
                yield asList(args.get(1)).stream().map(v -> resolve(v, names))
                        .collect(Collectors.joining(String.valueOf(args.get(0))));
            }
            default -> throw new IllegalArgumentException("intrinsic " + e.getKey() + " is not supported here");
        };
    }

    private static final Pattern SUB_REF = Pattern.compile("\\$\\{([A-Za-z0-9]+)(?:\\.[A-Za-z0-9.]+)?}");

    /** Every logical id a template value refers to (Ref, GetAtt, ${X} and ${X.Attr} in Sub, inside Join). */
    public static Set<String> referencedIds(Object value) {
        Set<String> ids = new LinkedHashSet<>();
        collect(value, ids);
        return ids;
    }

    private static void collect(Object value, Set<String> ids) {
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (key.equals("Ref")) {
                    ids.add(String.valueOf(e.getValue()));
                } else if (key.equals("Fn::GetAtt")) {
                    ids.add(String.valueOf(asList(e.getValue()).get(0)));
                } else if (key.equals("Fn::Sub")) {
                    Object arg = e.getValue();
                    String text = arg instanceof List<?> l ? String.valueOf(l.get(0)) : String.valueOf(arg);
                    Matcher matcher = SUB_REF.matcher(text);
                    while (matcher.find()) {
                        if (!matcher.group(1).startsWith("AWS")) {
                            ids.add(matcher.group(1));
                        }
                    }
                    if (arg instanceof List<?> l && l.size() > 1) {
                        collect(l.get(1), ids);
                    }
                } else {
                    collect(e.getValue(), ids);
                }
            }
        } else if (value instanceof List<?> l) {
            l.forEach(v -> collect(v, ids));
        }
    }

    /** The logical id a value refers to (Ref X or GetAtt X.Attr), or null for literals. */
    public static String referencedId(Object value) {
        Map<String, Object> fn = asMap(value);
        if (fn.containsKey("Ref")) {
            return String.valueOf(fn.get("Ref"));
        }
        if (fn.containsKey("Fn::GetAtt")) {
            return String.valueOf(asList(fn.get("Fn::GetAtt")).get(0));
        }
        return null;
    }

    private static String sub(Object arg, Names names) {
        String text;
        Map<String, Object> vars;
        if (arg instanceof List<?> list) {
            text = String.valueOf(list.get(0));
            vars = asMap(list.get(1));
        } else {
            text = String.valueOf(arg);
            vars = Map.of();
        }
        Matcher m = SUB_VAR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String var = m.group(1);
            String replacement;
            if (vars.containsKey(var)) {
                replacement = resolve(vars.get(var), names);
            } else if (var.contains(".") && !var.startsWith("AWS::")) {
                String[] parts = var.split("\\.", 2);
                replacement = names.getAtt(parts[0], parts[1]);
            } else {
                replacement = names.ref(var);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
