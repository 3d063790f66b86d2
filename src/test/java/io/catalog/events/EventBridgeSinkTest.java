package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.catalog.events.EventSink.OutboundEvent;
import io.catalog.model.ProductUpdated;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;

/**
 * The EventBridge sink against a recorded endpoint (a local HTTP server that records the SDK's PutEvents calls and
 * answers them), not Amazon EventBridge: it checks what the service sends, not what AWS does with it.
 */
class EventBridgeSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer recordedEndpoint;
    private final List<JsonNode> calls = new CopyOnWriteArrayList<>();
    private volatile int failedEntries;
    private EventBridgeAsyncClient client;

    @BeforeEach
    void start() throws IOException {
        recordedEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        recordedEndpoint.createContext("/", exchange -> {
            JsonNode call = JSON.readTree(exchange.getRequestBody());
            calls.add(call);
            int entries = call.get("Entries").size();
            String body = "{\"FailedEntryCount\":" + Math.min(failedEntries, entries) + ",\"Entries\":["
                    + String.join(",", IntStream.range(0, entries).mapToObj(i -> "{\"EventId\":\"e" + i + "\"}").toList())
                    + "]}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        recordedEndpoint.start();
        client = EventBridgeAsyncClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + recordedEndpoint.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(AwsCrtAsyncHttpClient.builder())
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        recordedEndpoint.stop(0);
    }

    private static List<OutboundEvent> events(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> {
            ProductUpdated event = ProductUpdated.of("p" + i, "books", 1, i, new BigDecimal("1.00"), null, false,
                    Instant.parse("2026-11-26T10:00:00Z"), null);
            return new OutboundEvent(event, "{\"type\":\"ProductUpdated\",\"sequence\":" + i + "}");
        }).toList();
    }

    @Test
    void sendsTenEntriesPerCallOnTheBusWithSourceAndDetailType() {
        new EventBridgeSink(client, "catalog-events", "io.catalog").publish(events(25))
                .await().atMost(Duration.ofSeconds(10));

        assertThat(calls).extracting(c -> c.get("Entries").size()).containsExactly(10, 10, 5);
        JsonNode first = calls.get(0).get("Entries").get(0);
        assertThat(first.get("EventBusName").asText()).isEqualTo("catalog-events");
        assertThat(first.get("Source").asText()).isEqualTo("io.catalog");
        assertThat(first.get("DetailType").asText()).isEqualTo("ProductUpdated");
        assertThat(first.get("Detail").asText()).isEqualTo("{\"type\":\"ProductUpdated\",\"sequence\":1}");
    }

    @Test
    void refusedEntriesFailTheBatchSoTheRelayRetriesIt() {
        failedEntries = 1;

        assertThatThrownBy(() -> new EventBridgeSink(client, "catalog-events", "io.catalog").publish(events(3))
                .await().atMost(Duration.ofSeconds(10))).hasMessageContaining("refused 1");
    }
}
