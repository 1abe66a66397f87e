package io.siyu.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * {@code @ExtendWith(AwsEmulatorsExtension.class)}: injects the JVM's {@link AwsEmulators} into
 * test constructors, lifecycle methods and test methods.
 */
public final class AwsEmulatorsExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == AwsEmulators.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return AwsEmulators.shared();
    }
}
