package io.catalog.events;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.inject.Qualifier;

/**
 * Qualifies the CDI event {@link io.catalog.model.ProductUpdated} that {@link FeedConsumer} fires after this pod
 * has applied it to its caches: observe {@code @Observes @Applied ProductUpdated} to follow the pod's own feed
 * (the live price stream does). Observers run on the feed's thread, synchronously: they must be quick and must not
 * block; what they throw is logged and does not stop the feed.
 */
@Qualifier
@Retention(RUNTIME)
@Target({ TYPE, METHOD, FIELD, PARAMETER })
public @interface Applied {
}
