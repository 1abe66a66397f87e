package io.siyu.bench.coldstart;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileReader;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Runs in a fresh JVM whose class path is one function's jar, this class and the Lambda
 * runtime's serialisation library, as the Java runtime has them: configure, build the handler
 * with its public constructor (init), deserialise one event, invoke once, print the times, exit.
 * It may use nothing else (cold-start benchmark, {@link ColdStartBenchmark}).
 */
public final class Probe {

    private Probe() {}

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        String handlerClass = args[0];
        Map<String, String> env = new HashMap<>();
        Properties p = new Properties();
        try (FileReader r = new FileReader(args[1], StandardCharsets.UTF_8)) {
            p.load(r);
        }
        p.forEach((k, v) -> env.put((String) k, (String) v));
        String event = Files.readString(Path.of(args[2]));
        try {
            Class.forName("io.siyu.lambda.Env").getMethod("use", Map.class).invoke(null, env);
        } catch (ClassNotFoundException noEnv) {
            // the floor handler reads no configuration
        }
        Object handler = Class.forName(handlerClass).getConstructor().newInstance();
        long initialised = System.nanoTime();
        String response;
        Context context = new ProbeContext();
        if (handler instanceof RequestStreamHandler streamHandler) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            streamHandler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
            response = out.toString(StandardCharsets.UTF_8);
        } else {
            Type input = inputType(handler.getClass());
            PojoSerializer<Object> serializer = serializer(input);
            @SuppressWarnings("unchecked")
            Object result = ((RequestHandler<Object, Object>) handler).handleRequest(serializer.fromJson(event), context);
            response = String.valueOf(result);
        }
        long invoked = System.nanoTime();
        System.out.printf("PROBE init_ms=%.1f invoke_ms=%.1f response=%s%n", (initialised - start) / 1e6,
                (invoked - initialised) / 1e6, response.length() > 120 ? response.substring(0, 120) : response);
        System.exit(0); // SDK and Powertools threads must not keep the JVM alive
    }

    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Type type) {
        if (type instanceof Class<?> c && LambdaEventSerializers.isLambdaSupportedEvent(c.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(c, Probe.class.getClassLoader());
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    private static Type inputType(Class<?> handler) {
        for (Type t : handler.getGenericInterfaces()) {
            if (t instanceof ParameterizedType pt && pt.getRawType() == RequestHandler.class) {
                return pt.getActualTypeArguments()[0];
            }
        }
        for (Method m : handler.getMethods()) {
            if (m.getName().equals("handleRequest") && m.getParameterCount() == 2 && !m.isBridge()) {
                return m.getGenericParameterTypes()[0];
            }
        }
        return Object.class;
    }

    private static final class ProbeContext implements Context {
        @Override public String getAwsRequestId() { return "cold-start-probe"; }
        @Override public String getLogGroupName() { return "/probe"; }
        @Override public String getLogStreamName() { return "probe"; }
        @Override public String getFunctionName() { return "probe"; }
        @Override public String getFunctionVersion() { return "1"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:probe"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 30_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }
        @Override public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { System.out.println(message); }
                @Override public void log(byte[] message) { System.out.println(new String(message, StandardCharsets.UTF_8)); }
            };
        }
    }
}
