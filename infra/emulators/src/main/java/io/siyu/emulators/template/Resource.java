package io.siyu.emulators.template;

import java.util.Map;

/** One entry of the template's Resources section; intrinsics are kept in their long form. */
public record Resource(String logicalId, String type, Map<String, Object> properties) {

    public Object property(String name) {
        return properties.get(name);
    }
}
