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

    /**
     * Powertools reads its namespace and service from the process environment, which the local
     * stack and the tests cannot set per function: take them from {@link Env} instead.
     */
    private static Metrics metrics() {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        metrics.setNamespace(Env.optional("POWERTOOLS_METRICS_NAMESPACE", "Siyu"));
        String service = Env.optional("POWERTOOLS_SERVICE_NAME", null);
        if (service != null) {
            metrics.setDefaultDimensions(software.amazon.lambda.powertools.metrics.model.DimensionSet.of("Service", service));
        }
        return metrics;
    }

    public static <T> T handle(Context context, Supplier<T> body) {
        Metrics metrics = metrics();
        try {
            return PowertoolsLogging.withLogging(context, body);
        } finally {
            metrics.flush();
        }
    }

    /** As {@link #handle(Context, Supplier)}, with the correlation id taken from the event by a JMESPath. */
    public static <T> T handle(Context context, String correlationIdPath, Object event, Supplier<T> body) {
        Metrics metrics = metrics();
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
