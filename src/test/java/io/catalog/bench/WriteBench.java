package io.catalog.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Write latency and throughput: {@code PATCH /admin/products/{id}/price} on the packaged service against a bare
 * conditional {@code UpdateItem} (the same optimistic check on a sequence attribute) sent by the AWS SDK to the same
 * dynalite, side by side, in one run: for each pod count of {@code bench.pods} (default 1 and 3) and each writer count
 * of {@code bench.writers} (default 1 and 4), a bare run and a PATCH run, each writer in a closed loop on its own item
 * (no conflicts) for {@code bench.duration} after a warm-up; then, with several pods, one writer while another pod
 * freezes; with 3 pods, a 1,000-item batch ({@link BatchConvergence}). Where the time goes comes from the written pod's
 * step timers. Results are printed and written to
 * {@code results/bench/writes.md} (or {@code -Dbench.output}) with the commit measured. Run by
 * {@code bin/bench --writes}.
 */
public final class WriteBench {

    /**
     * @param cpu CPU time per write of the measured phase, in milliseconds, by process: the written pod, the other pods
     *        together, redis-server, dynalite, the load generator (this JVM)
     */
    record Outcome(String name, int operations, double seconds, List<Long> micros, double[] cpu, String warmUp) {
        double perSecond() {
            return operations / seconds;
        }

        double quantileMs(double q) {
            return micros.get(Math.min(micros.size() - 1, (int) Math.ceil(q * micros.size()) - 1)) / 1000.0;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> writerCounts = Arrays.stream(System.getProperty("bench.writers", "1,4").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        List<Integer> podCounts = Arrays.stream(System.getProperty("bench.pods", "1,3").split(",")).map(String::trim)
                .map(Integer::parseInt).sorted().toList();
        Duration duration = Duration.parse("PT" + System.getProperty("bench.duration", "15s").toUpperCase());
        Duration warmup = Duration.parse("PT" + System.getProperty("bench.warmup", "5s").toUpperCase());
        Path output = Path.of(System.getProperty("bench.output",
                PodCluster.projectRoot().resolve("results/bench/writes.md").toString()));
        List<Outcome> outcomes = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        List<BatchConvergence.Result> batches = new ArrayList<>();
        List<Long> bareBatches = new ArrayList<>();
        try (PodCluster cluster = PodCluster.startInfrastructure();
                DynamoDbClient dynamo = client(cluster.dynalite().endpoint());
                BatchConvergence batch = new BatchConvergence()) {
            IntFunction<Runnable> bare = bareWrites(dynamo);
            List<Pod> started = new ArrayList<>();
            String token = cluster.adminToken();
            for (int pods : podCounts) {
                Map<String, String> podEnvironment = new java.util.HashMap<>(
                        Map.of("CATALOG_EDGE_PURGE_VARNISH_URLS", batch.edge()));
                String javaOptions = System.getProperty("bench.podJavaOptions");
                if (javaOptions != null) {
                    podEnvironment.put("JAVA_TOOL_OPTIONS", javaOptions);
                }
                started.addAll(cluster.startPods(pods - started.size(), podEnvironment));
                Pod pod = started.get(0);
                IntFunction<Runnable> patch = patches(pod, token);
                for (int writers : writerCounts) {
                    Cpu cpu = new Cpu(cluster, started);
                    outcomes.add(run(String.format(Locale.ROOT, "bare conditional UpdateItem, %d writer%s", writers,
                            writers == 1 ? "" : "s"), bare, writers, warmup, duration, cpu));
                    String name = String.format(Locale.ROOT, "PATCH, %d pod%s, %d writer%s", pods,
                            pods == 1 ? "" : "s", writers, writers == 1 ? "" : "s");
                    long[] before = counts(cluster, pod);
                    Map<String, Long> commandsBefore = commandStats(cluster);
                    outcomes.add(run(name, patch, writers, warmup, duration, cpu));
                    long[] after = counts(cluster, pod);
                    steps.add(steps(name, pod, before, after));
                    commands.add(perWrite(name, commandsBefore, commandStats(cluster), after[2] - before[2]));
                }
                if (pods > 1 && !Boolean.getBoolean("bench.skipStalled")) {
                    outcomes.add(stalled(started.get(pods - 1), patch, duration));
                }
                if (pods == 3 && !Boolean.getBoolean("bench.skipBatch")) {
                    log("a batch of " + BatchConvergence.ITEMS + " price changes on " + pods + " pods");
                    for (BatchConvergence.Result result : batch.run(started, token, new Cpu(cluster, started)::nanos)) {
                        batches.add(result);
                        log("  " + BatchConvergence.report(result));
                    }
                    bareBatches.addAll(bareBatch(dynamo));
                    log("  the bare reference: " + bareBatches + " ms");
                }
            }
            cluster.stopPods();
        }
        String report = report(outcomes, steps, commands, batches, bareBatches, writerCounts, podCounts, duration);
        Files.createDirectories(output.getParent());
        Files.writeString(output, report);
        System.out.println(report);
    }

    /**
     * CPU time used so far by each process of a run, in nanoseconds: the written pod (the first), the other pods
     * together, redis-server, dynalite and this JVM (the load generator). On 2 cores they all take turns on the same
     * CPUs, so a write's latency under load follows what it costs all of them together.
     */
    record Cpu(PodCluster cluster, List<Pod> pods) {
        static final String[] PROCESSES = { "written pod", "other pods", "redis-server", "dynalite",
                "load generator" };

        /** The CPU time the pods' JIT compilers used so far, in nanoseconds. */
        long compiling() {
            return pods.stream().mapToLong(p -> p.compilerCpu().toNanos()).sum();
        }

        long[] nanos() {
            long others = pods.stream().skip(1).mapToLong(p -> p.cpu().toNanos()).sum();
            long self = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
            return new long[] { pods.isEmpty() ? 0 : pods.get(0).cpu().toNanos(), others,
                    cluster.redis().cpu().toNanos(), cluster.dynalite().cpu().toNanos(), self };
        }
    }

    /**
     * Each writer PATCHes its own product on {@code pod}, created (or reset) when its loop is made, on a connection of
     * its own ({@link PlainHttp}: a blocking client, like the bare writes' URL connection client).
     */
    private static IntFunction<Runnable> patches(Pod pod, String token) {
        return w -> {
            String id = "bench-w" + w;
            write(pod, token, "PUT", "/admin/products/" + id, "{\"name\":\"Bench\",\"category\":\"bench\","
                    + "\"price\":1.00}");
            PlainHttp http = new PlainHttp(pod.uri("/"));
            int[] n = { 0 };
            return () -> http.send("PATCH", "/admin/products/" + id + "/price", token,
                    "{\"price\":" + (1 + (++n[0] % 9000)) + ".25}");
        };
    }

    /**
     * Where a PATCH's time went on the written pod, from its own timers' medians over their recent window (Micrometer
     * keeps about the last two minutes): the steps of {@code catalog.write.steps} and the acknowledgement wait.
     */
    private static String steps(String name, Pod pod, long[] before, long[] after) {
        Map<String, Double> medians = new java.util.TreeMap<>();
        for (String line : pod.get("/q/metrics").body().lines().toList()) {
            if (!line.contains("quantile=\"0.5\"")) {
                continue;
            }
            double ms = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) * 1000;
            if (line.startsWith("catalog_write_steps_seconds{")) {
                int at = line.indexOf("step=\"") + 6;
                medians.put(line.substring(at, line.indexOf('"', at)), ms);
            } else if (line.startsWith("catalog_events_ack_wait_seconds{")) {
                medians.put("ack wait", ms);
            }
        }
        // the counts span the warm-up too: per write of the whole run, warm-up included
        double writes = Math.max(1, after[2] - before[2]);
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.1f | %.3f |", name,
                ms(medians.get("read")), ms(medians.get("put")), ms(medians.get("publish")),
                ms(medians.get("ack wait")), (after[0] - before[0]) / writes, (after[1] - before[1]) / writes);
    }

    /**
     * Redis commands run so far (every pod's, from {@code INFO commandstats}), sequence blocks the written pod took,
     * and the PATCHes it answered ({@code catalog_write_steps_seconds_count{step="put"}}).
     */
    private static long[] counts(PodCluster cluster, Pod pod) {
        long commands = commandStats(cluster).values().stream().mapToLong(Long::longValue).sum();
        return new long[] { commands, (long) metric(pod, "catalog_sequence_blocks_total"),
                (long) metric(pod, "catalog_write_steps_seconds_count{step=\"put\"") };
    }

    /** Calls per Redis command so far ({@code INFO commandstats}: commands that scripts run included). */
    static Map<String, Long> commandStats(PodCluster cluster) {
        Map<String, Long> calls = new java.util.TreeMap<>();
        for (String line : cluster.redis().command("INFO", "commandstats").lines().toList()) {
            int at = line.indexOf("calls=");
            if (line.startsWith("cmdstat_") && at > 0) {
                calls.put(line.substring(8, line.indexOf(':')),
                        Long.parseLong(line.substring(at + 6, line.indexOf(',', at))));
            }
        }
        return calls;
    }

    /** The commands of a run per PATCH, most frequent first: where the Redis commands of a write go. */
    static String perWrite(String name, Map<String, Long> before, Map<String, Long> after, long writes) {
        StringBuilder out = new StringBuilder("| " + name + " |");
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long> comparingByValue().reversed())
                .limit(8)
                // a subcommand's name holds a '|' (xinfo|stream), which would end the Markdown cell
                .forEach(e -> out.append(String.format(Locale.ROOT, " %s %.1f,", e.getKey().replace("|", "\\|"),
                        (double) e.getValue() / Math.max(1, writes))));
        out.setLength(out.length() - 1);
        return out.append(" |").toString();
    }

    private static double metric(Pod pod, String prefix) {
        return pod.get("/q/metrics").body().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(0.0);
    }

    private static String ms(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.1f ms", value);
    }

    /** One item per writer in a table of its own; each write is conditional on the sequence it last wrote. */
    private static IntFunction<Runnable> bareWrites(DynamoDbClient dynamo) {
        dynamo.createTable(b -> b.tableName("bench-bare").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName("bench-bare"));
        return bareItems(dynamo);
    }

    /** A loop of conditional writes per writer number, each on an item of its own in the bare table. */
    private static IntFunction<Runnable> bareItems(DynamoDbClient dynamo) {
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

    static final int BATCH_ITEMS = BatchConvergence.ITEMS;
    static final int BATCH_CONCURRENCY = 32;

    /**
     * What the batch's writes alone take on this machine: {@link #BATCH_ITEMS} conditional UpdateItems (as the bare
     * writes', one per item) with {@link #BATCH_CONCURRENCY} in flight, twice; the milliseconds of each round.
     */
    private static List<Long> bareBatch(DynamoDbClient dynamo) {
        IntFunction<Runnable> items = bareItems(dynamo);
        List<Runnable> writes = IntStream.range(0, BATCH_ITEMS).mapToObj(i -> items.apply(1_000 + i)).toList();
        ExecutorService threads = Executors.newFixedThreadPool(BATCH_CONCURRENCY);
        try {
            List<Long> rounds = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                long start = System.nanoTime();
                CompletableFuture.allOf(writes.stream().map(w -> CompletableFuture.runAsync(w, threads))
                        .toArray(CompletableFuture[]::new)).join();
                rounds.add((System.nanoTime() - start) / 1_000_000);
            }
            return rounds;
        } finally {
            threads.shutdownNow();
        }
    }

    private static Outcome run(String name, IntFunction<Runnable> writerFactory, int writers, Duration warmup,
            Duration duration, Cpu cpu) {
        List<Runnable> loops = IntStream.range(0, writers).mapToObj(writerFactory).toList();
        log(name + ": warm-up " + warmup.toSeconds() + " s at least, then " + duration.toSeconds() + " s, "
                + writers + " writers");
        String warmedUp = warmUp(loops, warmup, cpu);
        long[] before = cpu.nanos();
        List<Long> micros = drive(loops, duration);
        long[] after = cpu.nanos();
        Collections.sort(micros);
        double[] perWrite = new double[before.length];
        for (int i = 0; i < before.length; i++) {
            perWrite[i] = (after[i] - before[i]) / 1e6 / Math.max(1, micros.size());
        }
        Outcome outcome = new Outcome(name, micros.size(), duration.toNanos() / 1e9, micros, perWrite, warmedUp);
        log(String.format(Locale.ROOT, "  %.1f writes/s, p50 %.1f ms, p99 %.1f ms", outcome.perSecond(),
                outcome.quantileMs(0.5), outcome.quantileMs(0.99)));
        return outcome;
    }

    /**
     * Runs the loops for {@code minimum}, then in windows of {@link #WARM_WINDOW} until the pods' JIT compilers have
     * settled (together they used at most {@link #SETTLED} of a window's CPU time), for at most {@link #WARM_MAX}: a
     * freshly started pod compiles for a minute or more (on 2 cores of an AMD EPYC, after a 5-s warm-up a 3-pod PATCH
     * cost 41.6 ms of CPU where after 150 s it cost 11.1 ms, and its p50 was 21.4 ms where after 150 s it was 7.4 ms),
     * and a benchmark of the write path measures pods as they run for hours.
     */
    private static String warmUp(List<Runnable> loops, Duration minimum, Cpu cpu) {
        long started = System.nanoTime();
        drive(loops, minimum);
        long deadline = started + minimum.toNanos() + WARM_MAX.toNanos();
        double share = Double.NaN;
        while (System.nanoTime() < deadline) {
            long before = cpu.compiling();
            drive(loops, WARM_WINDOW);
            share = (cpu.compiling() - before) / (double) WARM_WINDOW.toNanos();
            log(String.format(Locale.ROOT, "  warming up: the JIT compilers took %.1f %% of a CPU", share * 100));
            if (share <= SETTLED) {
                break;
            }
        }
        return String.format(Locale.ROOT, "%d s, %.1f %%", Math.round((System.nanoTime() - started) / 1e9),
                share * 100);
    }

    static final Duration WARM_WINDOW = Duration.ofSeconds(10);
    static final Duration WARM_MAX = Duration.ofSeconds(180);
    static final double SETTLED = 0.02;

    /**
     * One writer while another pod is frozen (SIGSTOP) for 3 s, then runs for 2 s, again and again: a write made while
     * that pod is frozen waits out its lease (at most {@code feed-stale-after}, 2 s, after the append) until it is
     * forgotten (2.5 s of silence).
     */
    private static Outcome stalled(Pod frozen, IntFunction<Runnable> writerFactory, Duration duration) {
        String name = "PATCH, 1 writer, while another pod is frozen 3 s of every 5 s (the lease: ≤ 2.02 s + the write)";
        log(name);
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService freezing = Executors.newSingleThreadExecutor();
        CompletableFuture<Void> freezer = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                frozen.signal("STOP");
                sleep(3_000);
                frozen.signal("CONT");
                sleep(2_000);
            }
        }, freezing);
        try {
            List<Long> micros = drive(List.of(writerFactory.apply(100)), duration.multipliedBy(2));
            Collections.sort(micros);
            Outcome outcome = new Outcome(name, micros.size(), duration.multipliedBy(2).toNanos() / 1e9, micros, null,
                    null);
            log(String.format(Locale.ROOT, "  %.1f writes/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    outcome.perSecond(), outcome.quantileMs(0.5), outcome.quantileMs(0.99), outcome.quantileMs(1)));
            return outcome;
        } finally {
            done.set(true);
            freezer.join();
            freezing.shutdown();
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

    /**
     * Runs each loop on a thread of its own until {@code duration} has passed: never on the common pool, whose
     * parallelism (the CPUs minus one, and {@code bin/bench} sets it for the measuring JVM's HTTP client) would run
     * fewer writers at once than asked for.
     */
    private static List<Long> drive(List<Runnable> loops, Duration duration) {
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(loops.size());
        try {
            CompletableFuture.allOf(loops.stream().map(loop -> CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    loop.run();
                    micros.add((System.nanoTime() - start) / 1000);
                }
            }, threads)).toArray(CompletableFuture[]::new)).join();
        } finally {
            threads.shutdownNow();
        }
        return new ArrayList<>(micros);
    }

    static void write(Pod pod, String token, String method, String path, String body) {
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

    private static String report(List<Outcome> outcomes, List<String> steps, List<String> commands,
            List<BatchConvergence.Result> batches, List<Long> bareBatches, List<Integer> writers,
            List<Integer> pods, Duration duration) {
        StringBuilder out = new StringBuilder("# Write path: PATCH against a bare conditional write\n\n");
        out.append("- Date: ").append(Instant.now()).append('\n');
        out.append("- Commit measured: `").append(LabMachine.commit()).append("`; load average at the end: ")
                .append(LabMachine.load()).append('\n');
        out.append("- Machine: ").append(LabMachine.describe()).append('\n');
        out.append("- Command: `").append(System.getProperty("bench.command", "bin/bench --writes")).append("`\n");
        out.append("- Load: closed loops of ").append(writers).append(" writers, each on its own item, ")
                .append(duration.toSeconds()).append(" s per run after a warm-up (until the pods' JIT compilers"
                        + " take at most 2 % of a CPU, for at most 3 min; the CPU table gives each run's), with ")
                .append(pods)
                .append(" pods (256 MB heap, serial GC): every PATCH goes to the first pod, which waits for the"
                        + " others' acknowledgements, sent by a blocking HTTP/1.1 client on a kept-alive connection"
                        + " per writer; the bare write (the SDK's URL connection client) runs before each PATCH run, on"
                        + " the same dynalite;"
                        + " one redis-server, one dynalite, the load generator and the pods on the same machine.\n\n");
        out.append("| run | writes | writes/s | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|---|\n");
        for (Outcome o : outcomes) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n",
                    o.name(), o.operations(), o.perSecond(), o.quantileMs(0.5), o.quantileMs(0.9),
                    o.quantileMs(0.99), o.quantileMs(1)));
        }
        out.append("\nWhere a PATCH's time goes, medians of the written pod's own timers at the end of each run"
                + " (`catalog_write_steps_seconds`: knowing the item (L1, or a strongly consistent read) with its"
                + " sequence, the conditional write, the publish; `catalog_events_ack_wait_seconds`: the wait for the"
                + " other pods), and, per PATCH of the run (warm-up included), the Redis commands every pod ran (`INFO"
                + " commandstats`: publishes, feed rounds, acknowledgements, reads) and the sequence blocks the"
                + " written pod took from DynamoDB's counter:\n\n");
        out.append("| run | read | put | publish | ack wait | Redis commands / write | blocks / write |\n"
                + "|---|---|---|---|---|---|---|\n");
        steps.forEach(line -> out.append(line).append('\n'));
        out.append("\nThe Redis commands per PATCH by command, the eight most frequent (scripts' own commands"
                + " included: `eval` is one per script call):\n\n| run | commands per PATCH |\n|---|---|\n");
        commands.forEach(line -> out.append(line).append('\n'));
        out.append("\nCPU time per write of each run's measured phase, by process (`ProcessHandle` totals, user and"
                + " system; the load generator is the measuring JVM, with its HTTP client or the SDK's): on 2 cores"
                + " every process takes turns on the same CPUs, so the total bounds the writes/s (2,000 ms of CPU per"
                + " second) and adds to each write's latency under load:\n\n| run | "
                + String.join(" | ", Cpu.PROCESSES) + " | total | warm-up, the JIT's share of a CPU at its end |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (Outcome o : outcomes) {
            if (o.cpu() != null) {
                out.append("| ").append(o.name());
                double total = 0;
                for (double ms : o.cpu()) {
                    out.append(String.format(Locale.ROOT, " | %.2f ms", ms));
                    total += ms;
                }
                out.append(String.format(Locale.ROOT, " | %.2f ms | %s |\n", total, o.warmUp()));
            }
        }
        out.append(ratios(outcomes));
        if (!batches.isEmpty()) {
            out.append("\nA batch (`POST /admin/prices/batch`, 1,000 price changes) sent to the first pod once every pod"
                    + " holds its items in L1, " + BatchConvergence.ROUNDS + " times one after the other (the first runs"
                    + " the batch path for the first time in the pods' JVMs; the JIT compiles its loops over several"
                    + " batches, as in a pod that has served them for a while): its acknowledgement (by then every live"
                    + " pod has applied its events), the CPU time the pods' JIT compilers took meanwhile, the CPU time"
                    + " each process took from the send to the acknowledgement (the written pod, the other two pods,"
                    + " redis-server, dynalite: on 2 cores at most twice the time it took), the"
                    + " reads of its items on every pod sent after it that answered the older price, the purge requests"
                    + " the edge received for it (the pods purge into a counting endpoint; each batch of keys is purged"
                    + " twice, the second time once the settle has passed), and two readers' reads of 50 other products"
                    + " on every pod meanwhile (200 reads/s in all):\n\n| batch | pods | items | acknowledged after |"
                    + " JIT meanwhile | CPU: written pod / other pods / Redis / dynalite | older prices read after it |"
                    + " purges | other reads | p50 | p99 | max |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            batches.forEach(b -> out.append(BatchConvergence.report(b)).append('\n'));
            if (!bareBatches.isEmpty()) {
                out.append("\nThe same machine's floor for it, right after: " + BATCH_ITEMS + " bare conditional"
                        + " UpdateItems on as many items of their own, " + BATCH_CONCURRENCY + " at once (the pods'"
                        + " `catalog.dynamodb.write-concurrency`) from the load generator, twice: ")
                        .append(bareBatches.stream().map(ms -> String.format(Locale.ROOT, "%,d ms", ms)).toList())
                        .append(".\n");
            }
        }
        return out.toString();
    }

    /** Each PATCH run against the bare write run just before it: the p50 and throughput ratios the issue asks for. */
    private static String ratios(List<Outcome> outcomes) {
        StringBuilder out = new StringBuilder("\n| PATCH run | p50, x the bare write's | writes/s, x the bare write's |"
                + "\n|---|---|---|\n");
        for (int i = 1; i < outcomes.size(); i++) {
            Outcome patch = outcomes.get(i);
            Outcome bare = outcomes.get(i - 1);
            if (patch.name().startsWith("PATCH, ") && bare.name().startsWith("bare")) {
                out.append(String.format(Locale.ROOT, "| %s | %.1fx | %.3fx |\n", patch.name(),
                        patch.quantileMs(0.5) / bare.quantileMs(0.5), patch.perSecond() / bare.perSecond()));
            }
        }
        return out.toString();
    }

    private static void log(String line) {
        System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + line);
    }
}
