package io.catalog.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpServer;

import io.catalog.testing.Pod;

/**
 * A 1,000-item price batch on several pods: how long until every pod serves every new price, how many purge requests
 * reach the edge for it, and what other reads see meanwhile. The pods purge into {@link #edge()}, an HTTP endpoint that
 * answers every request 200 and counts them (the purges a Varnish would receive). Other traffic: two readers, 200
 * reads/s of 50 other products spread over the pods. Part of {@link WriteBench}.
 */
final class BatchConvergence implements AutoCloseable {

    static final int ITEMS = 1_000;
    static final int OTHERS = 50;
    /**
     * Batches sent one after the other: the first runs the batch path for the first time in the pods' JVMs, the
     * following warm it the way a pod that has served batches for a while is (the JIT compiles its loops over many
     * batches, not one); every one is reported.
     */
    static final int ROUNDS = Integer.getInteger("bench.batchRounds", 10);
    /** Each of the two background readers sends one read every 10 ms (200 reads/s in all), as other traffic would. */
    static final long READ_INTERVAL_NANOS = 10_000_000;

    private final HttpServer edge;
    private final ExecutorService answering = Executors.newSingleThreadExecutor();
    private final AtomicInteger purges = new AtomicInteger();

    BatchConvergence() throws IOException {
        edge = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        edge.createContext("/", exchange -> {
            purges.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        edge.setExecutor(answering);
        edge.start();
    }

    /** The base URL the pods purge into ({@code CATALOG_EDGE_PURGE_VARNISH_URLS}). */
    String edge() {
        return "http://127.0.0.1:" + edge.getAddress().getPort();
    }

    /**
     * What one batch did: its acknowledgement's time from the send (every live pod had applied its events by then),
     * the reads of its items on every pod sent after the acknowledgement that answered an older price (0 is the
     * promise), the purge requests the edge received for it, and the other reads meanwhile.
     */
    record Result(int round, int pods, double acknowledgedMs, double compilingMs, int staleAfterAck, int purges,
            int backgroundReads, double backgroundP50Ms, double backgroundP99Ms, double backgroundMaxMs,
            double[] cpuMs) {
    }

    /**
     * Creates the batch's products and the others, then two rounds (the first runs the batch path for the first time
     * in these JVMs, the second after it): every pod reads every item (L1 holds them), the batch goes to the first pod
     * while two readers read the other products on every pod; once it is acknowledged, every item is read once on
     * every pod; the purges are counted until the pods' second purge of the batch (the settle, 2 s) has passed.
     */
    List<Result> run(List<Pod> pods, String token, Supplier<long[]> cpu) throws Exception {
        Pod writer = pods.get(0);
        List<String> items = IntStream.rangeClosed(1, ITEMS).mapToObj(i -> String.format("batch-%04d", i)).toList();
        List<String> others = IntStream.rangeClosed(1, OTHERS).mapToObj(i -> String.format("other-%02d", i)).toList();
        ExecutorService parallel = Executors.newFixedThreadPool(8);
        try {
            List<String> all = new ArrayList<>(items);
            all.addAll(others);
            each(parallel, all, id -> WriteBench.write(writer, token, "PUT", "/admin/products/" + id,
                    "{\"name\":\"Batch " + id + "\",\"category\":\"batch-" + (id.hashCode() & 7) + "\",\"price\":1.00}"));
            List<Result> results = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                results.add(round(round, pods, token, items, others, (round + 1) + ".50", parallel, cpu));
            }
            return results;
        } finally {
            parallel.shutdownNow();
        }
    }

    private Result round(int round, List<Pod> pods, String token, List<String> items, List<String> others, String price,
            ExecutorService parallel, Supplier<long[]> cpu) throws Exception {
        for (Pod pod : pods) {
            each(parallel, items, id -> pod.get("/products/" + id));
            each(parallel, others, id -> pod.get("/products/" + id));
        }
        Thread.sleep(3_000); // earlier purges (and their settle) are over
        int purgesBefore = purges.get();
        AtomicBoolean reading = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Long> background = new ConcurrentLinkedQueue<>();
        ExecutorService readerThreads = Executors.newFixedThreadPool(2); // never the common pool: see WriteBench.drive
        List<CompletableFuture<Void>> readers = IntStream.range(0, 2).mapToObj(r -> CompletableFuture.runAsync(() -> {
            long next = System.nanoTime();
            while (reading.get()) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                Pod pod = pods.get(random.nextInt(pods.size()));
                long start = System.nanoTime();
                pod.get("/products/" + others.get(random.nextInt(others.size())));
                background.add((System.nanoTime() - start) / 1_000);
                next += READ_INTERVAL_NANOS;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }, readerThreads)).toList();
        Thread.sleep(500);
        StringBuilder body = new StringBuilder("{\"updates\":[");
        for (String id : items) {
            body.append("{\"id\":\"").append(id).append("\",\"price\":").append(price).append("},");
        }
        body.setLength(body.length() - 1);
        body.append("]}");
        long compiling = compiling(pods);
        long[] cpuBefore = cpu.get();
        long sent = System.nanoTime();
        WriteBench.write(pods.get(0), token, "POST", "/admin/prices/batch", body.toString());
        double acknowledged = (System.nanoTime() - sent) / 1e6;
        long[] cpuAfter = cpu.get();
        double compiled = (compiling(pods) - compiling) / 1e6;
        double[] cpuMs = new double[cpuBefore.length];
        for (int i = 0; i < cpuMs.length; i++) {
            cpuMs[i] = (cpuAfter[i] - cpuBefore[i]) / 1e6;
        }
        AtomicInteger stale = new AtomicInteger();
        String shown = "\"price\":" + price.replaceAll("0+$", "");
        for (Pod pod : pods) {
            each(parallel, items, id -> {
                HttpResponse<String> read = pod.get("/products/" + id);
                if (read.statusCode() != 200 || !read.body().contains(shown)) {
                    stale.incrementAndGet();
                }
            });
        }
        Thread.sleep(3_000);
        reading.set(false);
        CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).join();
        readerThreads.shutdown();
        List<Long> micros = new ArrayList<>(background);
        Collections.sort(micros);
        return new Result(round, pods.size(), acknowledged, compiled, stale.get(), purges.get() - purgesBefore, micros.size(),
                quantile(micros, 0.5), quantile(micros, 0.99), quantile(micros, 1), cpuMs);
    }

    /** The CPU time the pods' JIT compilers used so far, in nanoseconds. */
    private static long compiling(List<Pod> pods) {
        return pods.stream().mapToLong(p -> p.compilerCpu().toNanos()).sum();
    }

    private static double quantile(List<Long> sortedMicros, double q) {
        return sortedMicros.isEmpty() ? 0
                : sortedMicros.get(Math.min(sortedMicros.size() - 1, (int) Math.ceil(q * sortedMicros.size()) - 1))
                        / 1000.0;
    }

    private static void each(ExecutorService parallel, List<String> ids, java.util.function.Consumer<String> action) {
        CompletableFuture.allOf(ids.stream().map(id -> CompletableFuture.runAsync(() -> action.accept(id), parallel))
                .toArray(CompletableFuture[]::new)).join();
    }

    static String report(Result r) {
        return String.format(Locale.ROOT,
                "| %d | %d | %,d | %.0f ms | %.0f ms | %.0f / %.0f / %.0f / %.0f ms | %d of %,d | %d | %,d | %.1f ms"
                        + " | %.1f ms | %.1f ms |",
                r.round(), r.pods(), ITEMS, r.acknowledgedMs(), r.compilingMs(), r.cpuMs()[0], r.cpuMs()[1],
                r.cpuMs()[2], r.cpuMs()[3], r.staleAfterAck(), ITEMS * r.pods(), r.purges(),
                r.backgroundReads(), r.backgroundP50Ms(), r.backgroundP99Ms(), r.backgroundMaxMs());
    }

    @Override
    public void close() {
        edge.stop(0);
        answering.shutdownNow();
    }
}
