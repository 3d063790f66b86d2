package io.catalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A local Redis Cluster of three masters and three replicas ({@code redis-server --cluster-enabled yes} on free
 * ports, joined by {@code redis-cli --cluster create ... --cluster-replicas 1}), as ElastiCache runs in cluster
 * mode. Node failure detection is fast ({@link #NODE_TIMEOUT_MILLIS}), so that a killed master's replica takes
 * over within seconds. Tests can kill a node, kill every node and restart them empty, or send a command to the
 * master that holds a key.
 */
public final class RedisCluster implements AutoCloseable {

    public static final int NODE_TIMEOUT_MILLIS = 2000;
    private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(60);

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /** Starts six nodes, joins them (three masters, one replica each) and waits until every slot is served. */
    public static RedisCluster start() {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                nodes.add(RedisServer.startClusterNode(NODE_TIMEOUT_MILLIS));
            }
            RedisCluster cluster = new RedisCluster(nodes);
            cluster.create();
            cluster.awaitHealthy();
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::stop);
            throw e;
        }
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(LocalStackPaths.logDir()
                            .resolve("redis-cluster-create.log").toFile()))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "redis-cli --cluster create failed; see target/local-stack/redis-cluster-create.log");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every running node reports {@code cluster_state:ok} and three masters serve every slot. */
    public void awaitHealthy() {
        org.awaitility.Awaitility.await("a healthy Redis cluster").atMost(FORMATION_TIMEOUT)
                .pollInterval(java.time.Duration.ofMillis(50)).until(this::healthy);
    }

    private boolean healthy() {
        try {
            for (RedisServer node : nodes) {
                if (node.isRunning() && !node.command("CLUSTER", "INFO").contains("cluster_state:ok")) {
                    return false;
                }
            }
            return nodes.stream().filter(RedisServer::isRunning).findFirst()
                    .map(n -> masters(n).size() == 3).orElse(false);
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /** The ports of the masters that serve slots, as {@code node} sees the cluster. */
    private static List<Integer> masters(RedisServer node) {
        return node.command("CLUSTER", "NODES").lines()
                .filter(l -> l.contains("master") && !l.contains("fail") && l.split(" ").length > 8)
                .map(l -> Integer.parseInt(l.split(" ")[1].replaceAll(".*:(\\d+)@.*", "$1")))
                .toList();
    }

    /** The value of {@code quarkus.redis.hosts}: every node, comma-separated. */
    public String hosts() {
        return nodes.stream().map(RedisServer::url).collect(Collectors.joining(","));
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The running master that serves {@code key}'s slot. */
    public RedisServer masterOf(String key) {
        RedisServer any = nodes.stream().filter(RedisServer::isRunning).findFirst().orElseThrow();
        long slot = Long.parseLong(any.command("CLUSTER", "KEYSLOT", key).replaceAll("[^0-9]", ""));
        for (String line : any.command("CLUSTER", "NODES").lines().toList()) {
            String[] f = line.split(" ");
            if (f.length < 8 || !f[2].contains("master") || f[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-");
                long from = Long.parseLong(range[0]);
                long to = range.length > 1 ? Long.parseLong(range[1]) : from;
                if (slot >= from && slot <= to) {
                    int port = Integer.parseInt(f[1].replaceAll(".*:(\\d+)@.*", "$1"));
                    return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
                }
            }
        }
        throw new IllegalStateException("no master serves slot " + slot + ": " + describe());
    }

    /** The replica of {@code master}. */
    public RedisServer replicaOf(RedisServer master) {
        String id = master.command("CLUSTER", "MYID").lines().filter(l -> !l.startsWith("$")).findFirst().orElseThrow()
                .trim();
        for (String line : master.command("CLUSTER", "NODES").lines().toList()) {
            String[] f = line.split(" ");
            if (f.length >= 4 && f[2].contains("slave") && f[3].equals(id)) {
                int port = Integer.parseInt(f[1].replaceAll(".*:(\\d+)@.*", "$1"));
                return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
            }
        }
        throw new IllegalStateException("no replica of " + master + ": " + describe());
    }

    /** Sends a command to the master that holds {@code key} (for example {@code XRANGE <stream> - +}). */
    public String command(String key, String... args) {
        return masterOf(key).command(args);
    }

    /** Kills every node (SIGKILL): the whole cache is gone. */
    public void killAll() {
        nodes.forEach(RedisServer::kill);
    }

    /** Restarts every node that is not running, empty, in its old place in the cluster, and waits until healthy. */
    public void restartAll() {
        nodes.stream().filter(n -> !n.isRunning()).forEach(RedisServer::restart);
        awaitHealthy();
    }

    /** Kills the connections of clients (CLIENT KILL TYPE normal) on every running node. */
    public void killClientConnections() {
        nodes.stream().filter(RedisServer::isRunning).forEach(n -> n.command("CLIENT", "KILL", "TYPE", "normal"));
    }

    private String describe() {
        return nodes.stream().filter(RedisServer::isRunning).findFirst()
                .map(n -> n.command("CLUSTER", "NODES")).orElse("no node runs");
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::stop);
    }
}
