package io.siyu.emulators.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import io.siyu.emulators.template.FunctionDefinition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A function of the template, loaded from its own jar in its own {@link FunctionClassLoader} and
 * run the way the Lambda Java runtime runs it: the handler built once by its public no-argument
 * constructor, a {@link RequestHandler} fed the event JSON deserialised to its declared input type
 * by aws-lambda-java-serialization (the runtime's own serialisers), a {@link RequestStreamHandler}
 * fed the raw JSON. Configuration goes in through the function's own copy of
 * {@code io.siyu.lambda.Env}, so functions in one JVM never see each other's values.
 *
 * <p>Lifecycle: {@link #load}, {@link #configure}, {@link #initialise}, then {@link #invoke} as
 * often as needed, then {@link #close}. Not thread-safe for concurrent invocations, like one
 * Lambda execution environment; callers serialise them.
 */
public final class LambdaFunction implements AutoCloseable {

    /** The handler interfaces the Java runtime accepts without a method name. */
    public enum Kind { REQUEST_HANDLER, REQUEST_STREAM_HANDLER }

    /** Where every Siyu function reads its configuration (shared/lambda). */
    public static final String ENV_CLASS = "io.siyu.lambda.Env";

    private final FunctionDefinition definition;
    private final FunctionClassLoader loader;
    private final Class<?> handlerClass;
    private final Kind kind;
    private final Type inputType;
    private final Type outputType;
    private Object handler;
    private PojoSerializer<Object> input;
    private PojoSerializer<Object> output;

    private LambdaFunction(FunctionDefinition definition, FunctionClassLoader loader, Class<?> handlerClass, Kind kind,
                           Type inputType, Type outputType) {
        this.definition = definition;
        this.loader = loader;
        this.handlerClass = handlerClass;
        this.kind = kind;
        this.inputType = inputType;
        this.outputType = outputType;
    }

    /**
     * Opens the function's jar and finds its handler class.
     *
     * @param jar the built CodeUri
     * @throws FunctionLoadException naming what is wrong: no jar, no class, not a handler, an
     *                               unsupported method name
     */
    public static LambdaFunction load(FunctionDefinition definition, Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new FunctionLoadException(definition.logicalId() + ": CodeUri " + jar + " does not exist (build it with mvn package)");
        }
        String method = definition.handler().contains("::")
                ? definition.handler().substring(definition.handler().indexOf("::") + 2) : null;
        FunctionClassLoader loader = new FunctionClassLoader(definition.logicalId(), jar, RequestHandler.class.getClassLoader());
        try {
            Class<?> cls;
            try {
                cls = Class.forName(definition.handlerClass(), false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new FunctionLoadException(definition.logicalId() + ": Handler class " + definition.handlerClass()
                        + " is not in " + jar.getFileName());
            }
            Kind kind;
            Type in;
            Type out;
            if (RequestStreamHandler.class.isAssignableFrom(cls)) {
                kind = Kind.REQUEST_STREAM_HANDLER;
                in = byte[].class;
                out = byte[].class;
            } else if (RequestHandler.class.isAssignableFrom(cls)) {
                kind = Kind.REQUEST_HANDLER;
                Type[] params = typeArguments(cls, RequestHandler.class);
                if (params == null || params[0] instanceof TypeVariable || params[1] instanceof TypeVariable) {
                    throw new FunctionLoadException(definition.logicalId() + ": Handler class " + cls.getName()
                            + " does not implement RequestHandler with concrete type parameters");
                }
                in = params[0];
                out = params[1];
            } else {
                throw new FunctionLoadException(definition.logicalId() + ": Handler class " + cls.getName()
                        + " implements neither RequestHandler nor RequestStreamHandler");
            }
            if (method != null && !method.equals("handleRequest")) {
                throw new FunctionLoadException(definition.logicalId() + ": Handler method " + method
                        + " is not handleRequest; only the RequestHandler / RequestStreamHandler method is supported");
            }
            return new LambdaFunction(definition, loader, cls, kind, in, out);
        } catch (RuntimeException e) {
            closeQuietly(loader);
            throw e;
        }
    }

    public FunctionDefinition definition() {
        return definition;
    }

    public String name() {
        return definition.logicalId();
    }

    public Kind kind() {
        return kind;
    }

    public Class<?> handlerClass() {
        return handlerClass;
    }

    /** The declared event type (byte[] for a stream handler). */
    public Type inputType() {
        return inputType;
    }

    public Type outputType() {
        return outputType;
    }

    public ClassLoader classLoader() {
        return loader;
    }

    /** Sets the function's configuration: {@code Env.use(Map)} inside the function's class loader. */
    public LambdaFunction configure(Map<String, String> environment) {
        callEnv(Map.class, Map.copyOf(environment));
        return this;
    }

    /** As {@link #configure(Map)} with a lookup function (to record which names the code reads). */
    public LambdaFunction configure(Function<String, String> lookup) {
        callEnv(Function.class, Objects.requireNonNull(lookup));
        return this;
    }

    private void callEnv(Class<?> parameter, Object argument) {
        Class<?> env;
        try {
            env = Class.forName(ENV_CLASS, true, loader);
        } catch (ClassNotFoundException e) {
            throw new FunctionLoadException(name() + ": the jar has no " + ENV_CLASS + ", so it cannot be configured");
        }
        if (env.getClassLoader() != loader) {
            throw new IllegalStateException(ENV_CLASS + " did not come from " + name() + "'s own jar");
        }
        try {
            env.getMethod("use", parameter).invoke(null, argument);
        } catch (InvocationTargetException e) {
            throw new FunctionLoadException(name() + ": Env.use failed: " + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new FunctionLoadException(name() + ": " + ENV_CLASS + " has no use(" + parameter.getSimpleName() + ")");
        }
    }

    /**
     * Builds the handler with its public no-argument constructor (Lambda's init phase).
     *
     * @throws FunctionInitException with the constructor's failure as message
     */
    public LambdaFunction initialise() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            handler = handlerClass.getConstructor().newInstance();
            if (kind == Kind.REQUEST_HANDLER) {
                input = serializer(inputType);
                output = serializer(outputType);
            }
            return this;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new FunctionInitException(name() + ": init failed: " + cause.getClass().getName() + ": " + cause.getMessage(), cause);
        } catch (NoSuchMethodException e) {
            throw new FunctionInitException(name() + ": " + handlerClass.getName() + " has no public no-argument constructor", e);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new FunctionInitException(name() + ": init failed: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    public boolean initialised() {
        return handler != null;
    }

    /**
     * One invocation: the event as JSON in, the response as JSON out ({@code null} for a void or
     * null result, as the runtime writes it).
     *
     * @throws FunctionError what the runtime reports as a function error
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public String invoke(String eventJson, Context context) {
        if (handler == null) {
            throw new IllegalStateException(name() + " is not initialised");
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            if (kind == Kind.REQUEST_STREAM_HANDLER) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ((RequestStreamHandler) handler).handleRequest(
                        new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), out, context);
                return out.toString(StandardCharsets.UTF_8);
            }
            Object event;
            try {
                event = input.fromJson(eventJson);
            } catch (RuntimeException e) {
                throw new FunctionError("java.lang.RuntimeException",
                        "An error occurred during JSON parsing of the event into " + inputType.getTypeName() + ": " + e.getMessage(), e);
            }
            Object result = ((RequestHandler) handler).handleRequest(event, context);
            if (result == null) {
                return "null";
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            output.toJson(result, out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (FunctionError e) {
            throw e;
        } catch (IOException e) {
            throw new FunctionError(e.getClass().getName(), e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            throw new FunctionError(e.getClass().getName(), e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The runtime's serialiser for a type. Event classes are the host's (host-first), so their
     * serialiser loads what it needs (joda-time, the event models) from the host too; a POJO of
     * the function's own is read by the runtime's Jackson with the function's class.
     */
    @SuppressWarnings("unchecked")
    private PojoSerializer<Object> serializer(Type type) {
        if (type instanceof Class<?> c && LambdaEventSerializers.isLambdaSupportedEvent(c.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(c, RequestHandler.class.getClassLoader());
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    /** Lets the jar go (the class loader keeps it open until then). */
    @Override
    public void close() {
        handler = null;
        closeQuietly(loader);
    }

    private static void closeQuietly(FunctionClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    /** The actual type arguments {@code cls} gives {@code iface}, type variables resolved where the hierarchy binds them. */
    static Type[] typeArguments(Class<?> cls, Class<?> iface) {
        return typeArguments(cls, iface, new HashMap<>());
    }

    private static Type[] typeArguments(Type type, Class<?> iface, Map<TypeVariable<?>, Type> bound) {
        Class<?> raw;
        if (type instanceof ParameterizedType p) {
            raw = (Class<?>) p.getRawType();
            TypeVariable<?>[] vars = raw.getTypeParameters();
            Type[] args = p.getActualTypeArguments();
            Map<TypeVariable<?>, Type> next = new HashMap<>(bound);
            for (int i = 0; i < vars.length; i++) {
                next.put(vars[i], args[i] instanceof TypeVariable<?> v && bound.containsKey(v) ? bound.get(v) : args[i]);
            }
            bound = next;
            if (raw == iface) {
                Type[] resolved = new Type[vars.length];
                for (int i = 0; i < vars.length; i++) {
                    resolved[i] = bound.get(vars[i]);
                }
                return resolved;
            }
        } else if (type instanceof Class<?> c) {
            raw = c;
        } else {
            return null;
        }
        for (Type parent : raw.getGenericInterfaces()) {
            Type[] found = typeArguments(parent, iface, bound);
            if (found != null) {
                return found;
            }
        }
        Type superclass = raw.getGenericSuperclass();
        return superclass == null ? null : typeArguments(superclass, iface, bound);
    }
}
