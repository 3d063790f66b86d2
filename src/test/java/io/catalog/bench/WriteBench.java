package io.catalog.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import io.catalog.lab.LabMachine;
import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Write latency and throughput: {@code PATCH /admin/products/{id}/price} on one pod of the packaged service against a
 * bare conditional {@code UpdateItem} (the same optimistic check on a sequence attribute) sent by the AWS SDK to the
 * same dynalite, side by side, in one run. Each of the {@code bench.writers} threads writes its own item in a closed
 * loop (no conflicts), for {@code bench.duration}, after a warm-up. Results are printed and written to
 * {@code results/bench/writes.md} (or {@code -Dbench.output}) with the commit measured. Run by
 * {@code bin/bench --writes}.
 */
public final class WriteBench {

    record Outcome(String name, int operations, double seconds, List<Long> micros) {
        double perSecond() {
            return operations / seconds;
        }

        double quantileMs(double q) {
            return micros.get(Math.min(micros.size() - 1, (int) Math.ceil(q * micros.size()) - 1)) / 1000.0;
        }
    }

    public static void main(String[] args) throws IOException {
        int writers = Integer.getInteger("bench.writers", 4);
        // BENCH_PODS=3 bin/bench --writes: the written pod waits for the others' acknowledgements, as in production
        int pods = Integer.getInteger("bench.pods", Integer.parseInt(System.getenv().getOrDefault("BENCH_PODS", "1")));
        Duration duration = Duration.parse("PT" + System.getProperty("bench.duration", "15s").toUpperCase());
        Duration warmup = Duration.parse("PT" + System.getProperty("bench.warmup", "5s").toUpperCase());
        Path output = Path.of(System.getProperty("bench.output",
                PodCluster.projectRoot().resolve("results/bench/writes.md").toString()));
        List<Outcome> outcomes = new ArrayList<>();
        try (PodCluster cluster = PodCluster.startInfrastructure()) {
            List<Pod> started = cluster.startPods(pods, Map.of());
            Pod pod = started.get(0);
            String token = cluster.adminToken();
            IntFunction<Runnable> patch = w -> {
                String id = "bench-w" + w;
                write(pod, token, "PUT", "/admin/products/" + id, "{\"name\":\"Bench\",\"category\":\"bench\","
                        + "\"price\":1.00}");
                int[] n = { 0 };
                return () -> write(pod, token, "PATCH", "/admin/products/" + id + "/price",
                        "{\"price\":" + (1 + (++n[0] % 9000)) + ".25}");
            };
            try (DynamoDbClient dynamo = client(cluster.dynalite().endpoint())) {
                IntFunction<Runnable> bare = bareWrites(dynamo);
                for (int round = 0; round < 2; round++) {
                    outcomes.add(run("bare conditional UpdateItem (SDK → dynalite)", bare, writers, warmup, duration));
                    outcomes.add(run("PATCH /admin/products/{id}/price (pod → dynalite, Redis)", patch, writers, warmup,
                            duration));
                }
                if (pods > 1) {
                    outcomes.add(stalled(started.get(pods - 1), patch, duration));
                }
            }
            cluster.stopPods();
        }
        String report = report(outcomes, writers, duration);
        Files.createDirectories(output.getParent());
        Files.writeString(output, report);
        System.out.println(report);
    }

    /** One item per writer in a table of its own; each write is conditional on the sequence it last wrote. */
    private static IntFunction<Runnable> bareWrites(DynamoDbClient dynamo) {
        dynamo.createTable(b -> b.tableName("bench-bare").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName("bench-bare"));
        return w -> {
            String id = "bare-" + w;
            dynamo.putItem(b -> b.tableName("bench-bare").item(Map.of("id", AttributeValue.fromS(id),
                    "seq", AttributeValue.fromN("0"), "price", AttributeValue.fromN("1.00"))));
            long[] seq = { 0 };
            return () -> {
                long next = seq[0] + 1;
                dynamo.updateItem(b -> b.tableName("bench-bare").key(Map.of("id", AttributeValue.fromS(id)))
                        .updateExpression("SET #p = :p, #s = :next").conditionExpression("#s = :prev")
                        .expressionAttributeNames(Map.of("#p", "price", "#s", "seq"))
                        .expressionAttributeValues(Map.of(":p", AttributeValue.fromN((1 + next % 9000) + ".25"),
                                ":next", AttributeValue.fromN(Long.toString(next)),
                                ":prev", AttributeValue.fromN(Long.toString(seq[0])))));
                seq[0] = next;
            };
        };
    }

    private static Outcome run(String name, IntFunction<Runnable> writerFactory, int writers, Duration warmup,
            Duration duration) {
        List<Runnable> loops = IntStream.range(0, writers).mapToObj(writerFactory).toList();
        log(name + ": warm-up " + warmup.toSeconds() + " s, then " + duration.toSeconds() + " s, " + writers
                + " writers");
        drive(loops, warmup);
        List<Long> micros = drive(loops, duration);
        Collections.sort(micros);
        Outcome outcome = new Outcome(name, micros.size(), duration.toNanos() / 1e9, micros);
        log(String.format(Locale.ROOT, "  %.1f writes/s, p50 %.1f ms, p99 %.1f ms", outcome.perSecond(),
                outcome.quantileMs(0.5), outcome.quantileMs(0.99)));
        return outcome;
    }

    /**
     * One writer while another pod is frozen (SIGSTOP) for 3 s, then runs for 2 s, again and again: a write made while
     * that pod is frozen waits out its lease (at most {@code feed-stale-after}, 2 s, after the append) until it is
     * forgotten (2.5 s of silence).
     */
    private static Outcome stalled(Pod frozen, IntFunction<Runnable> writerFactory, Duration duration) {
        String name = "PATCH, 1 writer, while another pod is frozen 3 s of every 5 s (the lease: ≤ 2.02 s + the write)";
        log(name);
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> freezer = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                frozen.signal("STOP");
                sleep(3_000);
                frozen.signal("CONT");
                sleep(2_000);
            }
        });
        try {
            List<Long> micros = drive(List.of(writerFactory.apply(100)), duration.multipliedBy(2));
            Collections.sort(micros);
            Outcome outcome = new Outcome(name, micros.size(), duration.multipliedBy(2).toNanos() / 1e9, micros);
            log(String.format(Locale.ROOT, "  %.1f writes/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    outcome.perSecond(), outcome.quantileMs(0.5), outcome.quantileMs(0.99), outcome.quantileMs(1)));
            return outcome;
        } finally {
            done.set(true);
            freezer.join();
            frozen.signal("CONT");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Long> drive(List<Runnable> loops, Duration duration) {
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + duration.toNanos();
        CompletableFuture.allOf(loops.stream().map(loop -> CompletableFuture.runAsync(() -> {
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                loop.run();
                micros.add((System.nanoTime() - start) / 1000);
            }
        })).toArray(CompletableFuture[]::new)).join();
        return new ArrayList<>(micros);
    }

    private static void write(Pod pod, String token, String method, String path, String body) {
        HttpResponse<String> response = pod.send(HttpRequest.newBuilder(pod.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode());
        }
    }

    private static DynamoDbClient client(String endpoint) {
        return DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    private static String report(List<Outcome> outcomes, int writers, Duration duration) {
        int pods = Integer.getInteger("bench.pods", Integer.parseInt(System.getenv().getOrDefault("BENCH_PODS", "1")));
        StringBuilder out = new StringBuilder("# Write path: PATCH against a bare conditional write\n\n");
        out.append("- Date: ").append(Instant.now()).append('\n');
        out.append("- Commit measured: `").append(LabMachine.commit()).append("`; load average at the end: ")
                .append(LabMachine.load()).append('\n');
        out.append("- Machine: ").append(LabMachine.describe()).append('\n');
        out.append("- Load: ").append(writers).append(" writers, closed loop, each on its own item, ")
                .append(duration.toSeconds()).append(" s per run after a warm-up; both runs twice, alternating; ")
                .append(pods == 1 ? "one pod"
                        : pods + " pods, all PATCHes to the first, which waits for the others'"
                                + " acknowledgements,")
                .append(" (256 MB heap, serial GC), one redis-server, one dynalite, on the same machine.\n\n");
        out.append("| run | writes | writes/s | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|---|\n");
        for (Outcome o : outcomes) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n",
                    o.name(), o.operations(), o.perSecond(), o.quantileMs(0.5), o.quantileMs(0.9),
                    o.quantileMs(0.99), o.quantileMs(1)));
        }
        return out.toString();
    }

    private static void log(String line) {
        System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + line);
    }
}
