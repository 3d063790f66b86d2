package io.catalog.deploy;

import java.util.List;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.Archive;
import software.amazon.awscdk.services.events.BaseArchiveProps;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.events.targets.SqsQueueProps;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * ProductUpdated events on Amazon EventBridge, for consumers outside the service (search
 * indexing, analytics). The service's own invalidation runs on the Redis stream; this bus is
 * the fan-out to the rest of AWS.
 *
 * <p>The demo consumer is an SQS queue (with a dead-letter queue for both failed deliveries and
 * poison messages); an archive keeps the events for replay.
 */
public final class EventsTier extends Construct {

    static final String BUS_NAME = "catalog-events";
    static final String SOURCE = "io.catalog";
    static final String DETAIL_TYPE = "ProductUpdated";

    private final EventBus bus;
    private final Queue indexingQueue;

    public EventsTier(Construct scope, String id) {
        super(scope, id);
        this.bus = EventBus.Builder.create(this, "Bus").eventBusName(BUS_NAME).build();

        Queue deadLetters = Queue.Builder.create(this, "IndexingDlq")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        this.indexingQueue = Queue.Builder.create(this, "IndexingQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(60))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(5).build())
                .build();

        EventPattern productUpdated = EventPattern.builder()
                .source(List.of(SOURCE))
                .detailType(List.of(DETAIL_TYPE))
                .build();
        Rule.Builder.create(this, "ProductUpdatedRule")
                .eventBus(bus)
                .description("ProductUpdated events to the indexing queue")
                .eventPattern(productUpdated)
                .targets(List.of(new SqsQueue(indexingQueue, SqsQueueProps.builder()
                        .deadLetterQueue(deadLetters)
                        .retryAttempts(10)
                        .maxEventAge(Duration.hours(6))
                        .build())))
                .build();

        Archive archive = bus.archive("Archive", BaseArchiveProps.builder()
                .description("ProductUpdated events, for replay")
                .eventPattern(productUpdated)
                .retention(Duration.days(30))
                .build());
        archive.getNode().addDependency(bus);
    }

    /** {@code events:PutEvents} on this bus only. */
    public void grantPublish(IGrantable grantee) {
        bus.grantPutEventsTo(grantee);
    }

    public EventBus bus() {
        return bus;
    }

    public Queue indexingQueue() {
        return indexingQueue;
    }
}
