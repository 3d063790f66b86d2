package io.catalog.service;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
import io.catalog.store.ProductStore;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The demo catalog ({@code catalog.demo.seed=true}): products {@code sku-00001}... spread over a few categories,
 * written through the admin write path (so each has its event), once, when the catalog is empty.
 */
@ApplicationScoped
public class DemoCatalog {

    private static final Logger LOG = Logger.getLogger(DemoCatalog.class);
    static final List<String> CATEGORIES = List.of("books", "garden", "kitchen", "toys", "sports", "audio",
            "office", "outdoor", "beauty", "games", "tools", "pets", "music", "baby", "travel", "crafts");
    static final List<String> ADJECTIVES = List.of("Classic", "Compact", "Deluxe", "Eco", "Handmade", "Pro",
            "Smart", "Vintage", "Wireless", "Everyday");

    private final CatalogWriter writer;
    private final ProductStore store;
    private final CatalogConfig.Demo demo;

    public DemoCatalog(CatalogWriter writer, ProductStore store, CatalogConfig config) {
        this.writer = writer;
        this.store = store;
        this.demo = config.demo();
    }

    void onStart(@Observes StartupEvent event) {
        if (!demo.seed()) {
            return;
        }
        if (!store.page(Optional.empty(), 1, Optional.empty()).await().atMost(Duration.ofSeconds(30)).isEmpty()) {
            LOG.info("Demo catalog: the catalog is not empty, nothing loaded");
            return;
        }
        long start = System.nanoTime();
        Random random = new Random(42);
        int categories = Math.min(demo.categories(), CATEGORIES.size());
        int unconfirmed = load(demo.products(), i -> writer.put(id(i), name(random, i),
                CATEGORIES.get(i % categories), price(random), null));
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (unconfirmed == 0) {
            LOG.infof("Demo catalog: loaded %d products in %d categories in %d ms", demo.products(), categories, millis);
        } else {
            LOG.warnf("Demo catalog: loaded %d products in %d categories in %d ms; %d not acknowledged (their publish"
                    + " failed or ran past its time: Redis down or slow), the relay publishes them", demo.products(),
                    categories, millis, unconfirmed);
        }
    }

    /**
     * Writes products {@code 1..products}, 16 at a time, and answers how many were stored but not acknowledged
     * ({@link ChangeNotConfirmed}: their publish ran past its time, as on a cold pod of a busy machine; the relay
     * publishes them, and the pod starts all the same). Any other failure fails the start.
     */
    static int load(int products, IntFunction<Uni<?>> write) {
        AtomicInteger unconfirmed = new AtomicInteger();
        Multi.createFrom().range(1, products + 1)
                .onItem().transformToUni(i -> write.apply(i).replaceWithVoid()
                        .onFailure(ChangeNotConfirmed.class).recoverWithUni(f -> {
                            unconfirmed.incrementAndGet();
                            return Uni.createFrom().voidItem();
                        }))
                .merge(16)
                .collect().last().await().atMost(Duration.ofMinutes(5));
        return unconfirmed.get();
    }

    static String id(int i) {
        return String.format("sku-%05d", i);
    }

    private static synchronized String name(Random random, int i) {
        return ADJECTIVES.get(random.nextInt(ADJECTIVES.size())) + " item " + i;
    }

    private static synchronized BigDecimal price(Random random) {
        return BigDecimal.valueOf(99 + random.nextInt(99_900), 2);
    }
}
