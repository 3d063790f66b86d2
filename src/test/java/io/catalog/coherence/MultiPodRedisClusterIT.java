package io.catalog.coherence;

import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;
import io.catalog.testing.RedisCluster;
import io.catalog.testing.RedisServer;

/**
 * The multi-pod coherence tests of {@link MultiPodIT} on a Redis Cluster (3 masters, 3 replicas, the pods in
 * cluster mode with the hash-tagged stream {@code {catalog}:events}), and a failover: the master that holds the
 * stream is killed while writes go on; its replica takes over; no read is stale beyond {@link #FAILOVER_BOUND}.
 */
class MultiPodRedisClusterIT extends MultiPodIT {

    /**
     * The bound docs/COHERENCE.md states for a failover: the cluster's failure detection
     * ({@link RedisCluster#NODE_TIMEOUT_MILLIS}, 2 s here; ElastiCache's is 15 s) plus the election, the relay's
     * retry and the feed's staleness window.
     */
    static final Duration FAILOVER_BOUND = Duration.ofMillis(RedisCluster.NODE_TIMEOUT_MILLIS).plusSeconds(6);

    /** The longest a read that started after a write was acknowledged still returned an older version, for the docs. */
    private static final AtomicLong STALEST = new AtomicLong();

    @Override
    protected PodCluster startCluster() {
        return PodCluster.startOnRedisCluster(3, Map.of());
    }

    @Override
    protected void killRedis() {
        cluster.redisCluster().killAll();
    }

    @Override
    protected void restartRedis() {
        cluster.redisCluster().restartAll();
    }

    @Override
    protected String streamContents() {
        return cluster.redisCluster().command(PodCluster.CLUSTER_STREAM, "XRANGE", PodCluster.CLUSTER_STREAM, "-", "+");
    }

    @Override
    protected void killClientConnections() {
        cluster.redisCluster().killClientConnections();
    }

    /**
     * Readers on every pod and a writer changing twelve products (spread over every master's slots) every 100 ms; the
     * master holding the stream is SIGKILLed mid-way and its replica promoted. The replica is frozen (SIGSTOP) and cut off
     * (CLIENT KILL TYPE replica) for the last writes before the kill, so that, as asynchronous replication allows, it
     * lacks L2 markers and stream entries the old master acknowledged; a pod started afterwards, without floors,
     * must still serve the newest versions. Every read that starts more than the
     * bound after a write of its product was acknowledged returns that write or a newer one; a pod never goes back
     * to an older version; every pod ends on the last write.
     */
    @Test
    void aMasterFailoverWhileWritesGoOnServesNothingStaleBeyondTheBound() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = uniqueId("fo");
            client.put(a(), id, uniqueCategory("c"), "1.00");
            ids.add(id);
        }
        ids.forEach(this::warm);
        List<String> cold = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String id = uniqueId("cold");
            client.put(a(), id, uniqueCategory("c"), "1.00");
            client.read(a(), id); // into L2 at version 1; nobody reads it again until the new pod does
            cold.add(id);
        }
        Map<String, List<long[]>> acknowledged = new ConcurrentHashMap<>();
        ids.forEach(id -> acknowledged.put(id, new CopyOnWriteArrayList<>()));
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        AtomicLong unconfirmed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(cluster.pods().size() + 2);
        RedisServer killed;
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (Pod pod : cluster.pods()) {
                readers.add(pool.submit(() -> read(pod, ids, acknowledged, violations, writing, reads)));
            }
            Future<?> writer = pool.submit(() -> write(ids, acknowledged, writing, writes, unconfirmed));
            CatalogClient.within(Duration.ofSeconds(30)).alias("writes before the failover")
                    .until(() -> alive(writer) && writes.get() >= 30);

            // the replica stops taking the master's writes, writes go on (the master acknowledges markers and
            // stream entries the replica will never have), then the master dies and the lagging replica takes over
            killed = cluster.redisCluster().masterOf(PodCluster.CLUSTER_STREAM);
            RedisServer replica = cluster.redisCluster().replicaOf(killed);
            replica.pause();
            killed.command("CLIENT", "KILL", "TYPE", "replica"); // what the master writes from now on reaches no replica
            long beforeLoss = writes.get() + unconfirmed.get();
            // stored either way: acknowledged, or (a connection of the pod's cluster client that reached the frozen
            // replica first) answered 503 and published by the relay; the price after the failover is 2.00
            cold.forEach(id -> client.patchPriceUnlessUnavailable(cluster.pod(1), id, "2.00"));
            // stored writes, acknowledged or not: while the replica is frozen, a pod's Redis client may need a new
            // connection to it (Vert.x 4.5's cluster client opens one to every node, replicas included, and its
            // handshake has no deadline), and that pod's publishes time out (503) until the cluster marks the replica
            // failed and the client's next slot map leaves it out; either way the old master took the stream entries
            // of those that were acknowledged, and none of them reaches the replica
            CatalogClient.within(Duration.ofSeconds(60)).alias("writes the replica misses")
                    .until(() -> alive(writer) && writes.get() + unconfirmed.get() >= beforeLoss + 10);
            killed.kill();
            replica.resume();
            RedisServer dead = killed;
            CatalogClient.within(Duration.ofSeconds(30)).alias("a replica promoted for the stream's slot")
                    .until(() -> promoted(dead));
            long afterFailover = writes.get();
            CatalogClient.within(Duration.ofSeconds(60)).alias("writes after the failover")
                    .until(() -> alive(writer) && writes.get() >= afterFailover + 60);
            writing.set(false);
            writer.get();
            for (Future<?> reader : readers) {
                reader.get();
            }
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        System.out.printf(
                "Failover: %d reads, %d writes acknowledged, %d stored but not acknowledged (503); the stalest read began %d ms after a newer write was acknowledged%n",
                reads.get(), writes.get(), unconfirmed.get(), Duration.ofNanos(STALEST.get()).toMillis());
        assertThat(violations).as("stale or non-monotonic reads over %d reads, %d writes", reads.get(), writes.get())
                .isEmpty();
        for (String id : ids) {
            List<long[]> acks = acknowledged.get(id);
            if (!acks.isEmpty()) {
                long last = acks.get(acks.size() - 1)[0];
                for (Pod pod : cluster.pods()) {
                    CatalogClient.within(FAILOVER_BOUND).alias(pod + " never served sequence " + last + " of " + id)
                            .until(() -> client.read(pod, id).sequence() >= last);
                }
            }
        }
        // a pod started after the failover has no floors: what it serves rests on L2 alone
        Pod late = cluster.startPods(1, Map.of()).get(0);
        for (String id : cold) {
            CatalogClient.Read read = client.read(late, id);
            assertThat(read.price()).as("%s on a pod started after the failover (%s)", id, read.tier())
                    .isEqualByComparingTo("2.00");
        }
        killed.restart(); // it rejoins as a replica of its successor
        cluster.redisCluster().awaitHealthy();
    }

    private boolean promoted(RedisServer dead) {
        try {
            return cluster.redisCluster().masterOf(PodCluster.CLUSTER_STREAM) != dead;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /** True while the writer runs; its failure (a PATCH answered neither 200 nor 503) fails the wait at once. */
    private static boolean alive(Future<?> writer) throws Exception {
        if (writer.isDone()) {
            writer.get();
        }
        return true;
    }

    private void write(List<String> ids, Map<String, List<long[]>> acknowledged, AtomicBoolean writing,
            AtomicLong writes, AtomicLong unconfirmed) {
        for (int i = 0; writing.get(); i++) {
            String id = ids.get(i % ids.size());
            Pod pod = cluster.pod(i % cluster.pods().size());
            // while the stream's master fails over, a write is stored but not acknowledged (503): not counted
            JsonNode written = client.patchPriceUnlessUnavailable(pod, id, (2 + i) + ".00");
            if (written != null) {
                acknowledged.get(id).add(new long[] { client.read(pod, id).sequence(), System.nanoTime() });
                writes.incrementAndGet();
            } else {
                unconfirmed.incrementAndGet();
            }
            sleep(100);
        }
    }

    private void read(Pod pod, List<String> ids, Map<String, List<long[]>> acknowledged,
            ConcurrentLinkedQueue<String> violations, AtomicBoolean writing, AtomicLong reads) {
        Map<String, Long> newest = new ConcurrentHashMap<>();
        while (writing.get()) {
            for (String id : ids) {
                long startedAt = System.nanoTime();
                CatalogClient.Read read;
                try {
                    read = client.read(pod, id);
                } catch (RuntimeException e) {
                    violations.add(pod + " failed to answer " + id + ": " + e);
                    continue;
                }
                reads.incrementAndGet();
                long floor = newest.getOrDefault(id, 0L);
                if (read.sequence() < floor) {
                    violations.add(pod + " answered " + id + " at " + read.sequence() + " after " + floor);
                }
                for (long[] ack : acknowledged.get(id)) {
                    if (read.sequence() < ack[0]) {
                        STALEST.accumulateAndGet(startedAt - ack[1], Math::max);
                    }
                    if (startedAt - ack[1] > FAILOVER_BOUND.toNanos() && read.sequence() < ack[0]) {
                        violations.add(pod + " answered " + id + " at " + read.sequence() + " "
                                + Duration.ofNanos(startedAt - ack[1]).toMillis() + " ms after " + ack[0]
                                + " was acknowledged");
                    }
                }
                newest.merge(id, read.sequence(), Math::max);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
