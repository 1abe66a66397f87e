package io.siyu.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.siyu.emulators.LambdaContext;
import io.siyu.emulators.lambda.FunctionError;
import io.siyu.emulators.lambda.LambdaFunction;
import io.siyu.emulators.template.FunctionDefinition;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One function of the running stack: a single execution environment, so invocations run one at a
 * time (as in one Lambda environment; concurrency 1 satisfies any ScalingConfig). Synchronous
 * invocations come from the HTTP API and the pollers; asynchronous ones (EventBridge rules,
 * schedules) are queued per function and retried as Lambda retries asynchronous invocations:
 * {@code EventInvokeConfig.MaximumRetryAttempts} (default 2) more attempts, then the event goes
 * to the {@code OnFailure} destination with Lambda's invocation record. Lambda waits about one and
 * two minutes between attempts; here the waits are {@link #asyncRetryDelay}.
 */
public final class LocalFunction implements AsyncTarget, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a failed asynchronous event goes (null: dropped, with a log line). */
    public interface FailureDestination {
        void send(String invocationRecordJson);
    }

    private final LambdaFunction function;
    private final Activity activity;
    private final Clock clock;
    private final String region;
    private final ReentrantLock environment = new ReentrantLock(true);
    private final ScheduledExecutorService asyncQueue;
    private final int asyncRetries;
    private final Duration asyncRetryDelay;
    private final FailureDestination onFailure;
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong asyncFailures = new AtomicLong();

    public LocalFunction(LambdaFunction function, Activity activity, Clock clock, String region, int asyncRetries,
                         Duration asyncRetryDelay, FailureDestination onFailure) {
        this.function = function;
        this.activity = activity;
        this.clock = clock;
        this.region = region;
        this.asyncRetries = asyncRetries;
        this.asyncRetryDelay = asyncRetryDelay;
        this.onFailure = onFailure;
        this.asyncQueue = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "async-" + function.name());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return function.name();
    }

    public FunctionDefinition definition() {
        return function.definition();
    }

    public LambdaFunction function() {
        return function;
    }

    /** The ARN the stack gives the function (the account is the emulators' fixed one). */
    public String arn() {
        return "arn:aws:lambda:" + region + ":000000000000:function:" + name();
    }

    /**
     * Invokes now and waits (RequestResponse). The duration is logged; one that exceeds the
     * function's Timeout is reported but not killed (the JVM cannot stop a thread safely).
     *
     * @throws FunctionError when the function fails
     */
    public String invoke(String eventJson) {
        activity.begin();
        environment.lock();
        long started = System.nanoTime();
        try {
            invocations.incrementAndGet();
            return function.invoke(eventJson, new LambdaContext(name(), definition().timeoutSeconds()));
        } catch (FunctionError e) {
            errors.incrementAndGet();
            throw e;
        } finally {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (ms > definition().timeoutSeconds() * 1000L) {
                LOG.warn("{} ran {} ms, longer than its Timeout of {} s: in AWS it would have been stopped",
                        name(), ms, definition().timeoutSeconds());
            }
            environment.unlock();
            activity.end();
        }
    }

    /** Queues an asynchronous invocation (Event): returns at once, retries on failure. */
    @Override
    public void invokeAsync(String eventJson, String from) {
        activity.begin();
        String requestId = UUID.randomUUID().toString();
        asyncQueue.execute(() -> attempt(eventJson, from, requestId, 1));
    }

    private void attempt(String eventJson, String from, String requestId, int attempt) {
        boolean done = true;
        try {
            invoke(eventJson);
        } catch (FunctionError e) {
            if (attempt <= asyncRetries) {
                LOG.warn("{} failed on an event from {} (attempt {} of {}): {}: {}; retrying", name(), from, attempt,
                        asyncRetries + 1, e.errorType(), e.errorMessage());
                done = false;
                asyncQueue.schedule(() -> attempt(eventJson, from, requestId, attempt + 1),
                        asyncRetryDelay.toMillis() * attempt, TimeUnit.MILLISECONDS);
            } else {
                asyncFailures.incrementAndGet();
                LOG.error("{} failed on an event from {} after {} attempts: {}: {}", name(), from, attempt,
                        e.errorType(), e.errorMessage());
                if (onFailure != null) {
                    onFailure.send(invocationRecord(eventJson, requestId, attempt, e));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("{}: asynchronous invocation broke in the stack itself", name(), e);
        } finally {
            if (done) {
                activity.end();
            }
        }
    }

    /** Lambda's record for an asynchronous invocation that exhausted its retries. */
    private String invocationRecord(String eventJson, String requestId, int attempts, FunctionError e) {
        ObjectNode record = JSON.createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", clock.instant().toString());
        ObjectNode request = record.putObject("requestContext");
        request.put("requestId", requestId);
        request.put("functionArn", arn() + ":$LATEST");
        request.put("condition", "RetriesExhausted");
        request.put("approximateInvokeCount", attempts);
        try {
            record.set("requestPayload", JSON.readTree(eventJson));
        } catch (IOException notJson) {
            record.put("requestPayload", eventJson);
        }
        ObjectNode response = record.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        response.put("functionError", "Unhandled");
        JsonNode payload = JSON.valueToTree(e.payload());
        record.set("responsePayload", payload);
        return record.toString();
    }

    public long invocations() {
        return invocations.get();
    }

    public long errors() {
        return errors.get();
    }

    public long asyncFailures() {
        return asyncFailures.get();
    }

    @Override
    public void close() {
        asyncQueue.shutdownNow();
        function.close();
    }
}
