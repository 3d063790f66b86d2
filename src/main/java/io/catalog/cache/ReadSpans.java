package io.catalog.cache;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.catalog.support.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * One span per tier a read consults ({@code cache.tier} = {@code l1} | {@code l2} | {@code store}, with
 * {@code cache.hit} and the version served), children of the request's span. Built only when tracing is on: with
 * the SDK disabled (the local default, {@code quarkus.otel.sdk.disabled=true}) {@link #on()} is a final field read
 * and nothing else runs on the read path ({@link Tracing}).
 */
@ApplicationScoped
public class ReadSpans {

    public static final AttributeKey<String> TIER = AttributeKey.stringKey("cache.tier");
    public static final AttributeKey<Boolean> HIT = AttributeKey.booleanKey("cache.hit");
    public static final AttributeKey<Long> VERSION = AttributeKey.longKey("cache.version");
    public static final AttributeKey<String> KEY = AttributeKey.stringKey("cache.key");

    /** Tracing off (tests and benchmarks outside Quarkus). */
    public static final ReadSpans OFF = new ReadSpans(null, false);

    private final Tracer tracer;
    private final boolean on;

    @Inject
    public ReadSpans(Tracing tracing) {
        this(tracing.tracer(), tracing.on());
    }

    ReadSpans(Tracer tracer, boolean on) {
        this.tracer = tracer;
        this.on = on;
    }

    /** Whether spans are built at all. */
    public boolean on() {
        return on;
    }

    /** The context a read's spans are children of (call only when {@link #on()}). */
    Context parent() {
        return Context.current();
    }

    /** Starts the span of a tier (call only when {@link #on()}). */
    Span start(Context parent, String tier, String key) {
        return tracer.spanBuilder("cache " + tier).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(TIER, tier).setAttribute(KEY, key).startSpan();
    }

    /** Ends a tier's span with its outcome: {@code value} is what the tier answered, {@code null} a miss. */
    static void end(Span span, CachedValue value) {
        span.setAttribute(HIT, value != null);
        if (value != null) {
            span.setAttribute(VERSION, value.version());
        }
        span.end();
    }

    /** The L1 lookup as one finished span. */
    void l1(String key, CachedValue hit) {
        end(start(parent(), "l1", key), hit);
    }
}
