package io.catalog.support;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * Whether this pod builds spans, and the trace context events carry. Tracing is on when the OpenTelemetry SDK is
 * ({@code quarkus.otel.sdk.disabled=false}, {@code quarkus.otel.traces.enabled}); {@link #on()} is a final field, so
 * code on hot paths asks it before building anything and costs nothing more when tracing is off.
 * <p>
 * An event carries the trace of the write that made it as a W3C {@code traceparent}, an extra field of the stored
 * event document (readers ignore fields they do not know; API.md's fields are unchanged).
 */
@ApplicationScoped
public class Tracing {

    /** The event document's field holding the write's trace context. */
    public static final String FIELD = "traceparent";
    /** Tracing off (tests and benchmarks outside Quarkus). */
    public static final Tracing OFF = new Tracing(null, false);

    private static final String MARK = "\"" + FIELD + "\":\"";
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;
    private final boolean on;

    @Inject
    public Tracing(Tracer tracer, @ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean sdkDisabled,
            @ConfigProperty(name = "quarkus.otel.traces.enabled", defaultValue = "true") boolean tracesEnabled) {
        this(tracer, !sdkDisabled && tracesEnabled);
    }

    public Tracing(Tracer tracer, boolean on) {
        this.tracer = tracer;
        this.on = on;
    }

    public boolean on() {
        return on;
    }

    public Tracer tracer() {
        return tracer;
    }

    /** {@code eventJson} (a JSON object) with the current trace context added, when tracing is on and there is one. */
    public String attach(String eventJson) {
        if (!on || !Span.current().getSpanContext().isValid()) {
            return eventJson;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        String traceparent = carrier.get(FIELD);
        return traceparent == null ? eventJson
                : eventJson.substring(0, eventJson.lastIndexOf('}')) + ",\"" + FIELD + "\":\"" + traceparent + "\"}";
    }

    /** The trace context an event document carries, or the root context when it carries none. */
    public static Context of(String eventJson) {
        int at = eventJson == null ? -1 : eventJson.indexOf(MARK);
        if (at < 0) {
            return Context.root();
        }
        int start = at + MARK.length();
        int end = eventJson.indexOf('"', start);
        if (end < 0) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(),
                Map.of(FIELD, eventJson.substring(start, end)), GETTER);
    }

    /** The span context an event document carries (invalid when none). */
    public static SpanContext spanContextOf(String eventJson) {
        return Span.fromContext(of(eventJson)).getSpanContext();
    }
}
