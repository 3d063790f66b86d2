package io.catalog.events;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Starts and stops the pod's part in the feed, in the order the others rely on: Redis' identity first (L2 is unused
 * until its key space is known), then the acknowledgements' history and listener (so that the first writes at
 * start-up, the demo catalog's, know the live pods), then the feed's replay and rounds. At shutdown, once the stream
 * workers stopped, the pod tells the others it leaves.
 */
@ApplicationScoped
public class FeedLifecycle {

    private final RedisIdentity identity;
    private final PodAcks acks;
    private final FeedConsumer feed;

    public FeedLifecycle(RedisIdentity identity, PodAcks acks, FeedConsumer feed) {
        this.identity = identity;
        this.acks = acks;
        this.feed = feed;
    }

    void identity(@Observes @Priority(20) StartupEvent event) {
        identity.start();
    }

    void acknowledgements(@Observes @Priority(30) StartupEvent event) {
        acks.start();
    }

    void feed(@Observes StartupEvent event) {
        feed.start();
    }

    void leave(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER) ShutdownEvent event) {
        acks.stop();
        feed.stop();
    }
}
