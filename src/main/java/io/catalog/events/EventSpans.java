package io.catalog.events;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.events.EventSink.OutboundEvent;
import io.catalog.model.ProductUpdated;
import io.catalog.support.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;

/**
 * The spans of an event's way after its write: the relay's publish (linked to the trace of every write it carries)
 * and each pod's application of it, a child of the write's trace (the {@code traceparent} the event document
 * carries, {@link Tracing}). Nothing is built when tracing is off.
 */
@ApplicationScoped
public class EventSpans {

    public static final AttributeKey<String> PRODUCT = AttributeKey.stringKey("catalog.product.id");
    public static final AttributeKey<Long> SEQUENCE = AttributeKey.longKey("catalog.event.sequence");
    public static final AttributeKey<Long> EVENTS = AttributeKey.longKey("catalog.events");

    private final Tracing tracing;

    public EventSpans(Tracing tracing) {
        this.tracing = tracing;
    }

    public boolean on() {
        return tracing.on();
    }

    /** The span of one publish of {@code events}, linked to each write's trace; {@code null} when tracing is off. */
    Span publish(List<OutboundEvent> events) {
        if (!tracing.on()) {
            return null;
        }
        SpanBuilder builder = tracing.tracer().spanBuilder("catalog.publish").setSpanKind(SpanKind.PRODUCER)
                .setAttribute(EVENTS, (long) events.size());
        for (OutboundEvent event : events) {
            SpanContext write = Tracing.spanContextOf(event.json());
            if (write.isValid()) {
                builder.addLink(write);
            }
        }
        return builder.startSpan();
    }

    /**
     * The span of this pod's application of an event, in the trace of the write that made it (and linked to that
     * write's span); {@code null} when tracing is off.
     */
    Span apply(ProductUpdated event, String json) {
        if (!tracing.on()) {
            return null;
        }
        Context write = Tracing.of(json);
        SpanContext writeSpan = Span.fromContext(write).getSpanContext();
        SpanBuilder builder = tracing.tracer().spanBuilder("catalog.apply").setSpanKind(SpanKind.CONSUMER)
                .setParent(write).setAttribute(PRODUCT, event.productId()).setAttribute(SEQUENCE, event.sequence());
        if (writeSpan.isValid()) {
            builder.addLink(writeSpan);
        }
        return builder.startSpan();
    }
}
