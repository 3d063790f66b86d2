package io.catalog.support;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Ticker;

import io.quarkus.arc.DefaultBean;

/** The monotonic clock of the caches, as a bean so that tests can advance time instead of sleeping. */
public class TickerProducer {

    @Produces
    @Singleton
    @DefaultBean
    Ticker ticker() {
        return Ticker.systemTicker();
    }
}
