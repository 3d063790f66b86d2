package io.catalog.deploy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class EventsTierTest {

    private final Template template = Synth.template(Synth.DEFAULTS);

    @Test
    void productUpdatedEventsFromTheServiceGoToTheIndexingQueue() {
        template.hasResourceProperties("AWS::Events::EventBus", Map.of("Name", "catalog-events"));
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Map.of("source", List.of("io.catalog"), "detail-type", List.of("ProductUpdated")),
                "EventBusName", Match.anyValue(),
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("EventsIndexingQueue.*"), "Arn")),
                        "DeadLetterConfig", Match.objectLike(Map.of()))))));
    }

    @Test
    void queueHasADeadLetterQueueAndEventsAreArchived() {
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("RedrivePolicy", Match.objectLike(Map.of(
                "maxReceiveCount", 5))));
        template.hasResourceProperties("AWS::Events::Archive", Map.of(
                "EventPattern", Map.of("source", List.of("io.catalog"), "detail-type", List.of("ProductUpdated")),
                "RetentionDays", 30));
    }
}
