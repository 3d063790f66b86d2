package io.catalog.events;

import java.util.List;

/** Something else a pod does with each batch of events it reads from the feed (for example, edge purge). */
public interface FeedListener {

    void onEvents(List<ProductUpdated> events);
}
