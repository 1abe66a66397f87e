package io.siyu.local.probe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.siyu.lambda.Env;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A stream handler: answers an HttpApi request with the raw event JSON it was given as the body. */
public final class EchoProbe implements RequestStreamHandler {

    private final String greeting = Env.required("PROBE_GREETING");

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        String body = event.replace("\\", "\\\\").replace("\"", "\\\"");
        output.write(("{\"statusCode\":201,\"headers\":{\"x-greeting\":\"" + greeting + "\"},\"body\":\"" + body + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
