package io.siyu.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.function.Supplier;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Powertools through its functional API (no AspectJ weaving): JSON logs carrying the Lambda
 * context and a correlation id, and EMF metrics flushed at the end of every invocation.
 */
public final class Observability {

    private static final String CORRELATION_ID = "correlation_id";

    private Observability() {}

    public static <T> T handle(Context context, Supplier<T> body) {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        try {
            return PowertoolsLogging.withLogging(context, body);
        } finally {
            metrics.flush();
        }
    }

    /** As {@link #handle(Context, Supplier)}, with the correlation id taken from the event by a JMESPath. */
    public static <T> T handle(Context context, String correlationIdPath, Object event, Supplier<T> body) {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        try {
            return PowertoolsLogging.withLogging(context, correlationIdPath, event, body);
        } finally {
            metrics.flush();
        }
    }

    /** Sets the correlation id once it is known (the WeCom event identity, after decryption). */
    public static void correlationId(String id) {
        MDC.put(CORRELATION_ID, id);
    }

    public static void count(String metric) {
        count(metric, 1);
    }

    public static void count(String metric, double value) {
        MetricsFactory.getMetricsInstance().addMetric(metric, value, MetricUnit.COUNT);
    }

    public static void milliseconds(String metric, double value) {
        MetricsFactory.getMetricsInstance().addMetric(metric, value, MetricUnit.MILLISECONDS);
    }
}
