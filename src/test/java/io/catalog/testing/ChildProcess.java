package io.catalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server started as a child process of the test JVM.
 *
 * <p>
 * Its stdout and stderr are appended to one log file; a JVM shutdown hook destroys it so it
 * never outlives a normal JVM exit (a JVM killed with SIGKILL cannot run hooks).
 */
final class ChildProcess {

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread shutdownHook;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.shutdownHook = new Thread(this::destroyNow, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@code command} in {@code workDir}, appending its output to {@code log}. */
    static ChildProcess start(String name, List<String> command, Path workDir, Path log) {
        return start(name, new ProcessBuilder(command), workDir, log);
    }

    /** Starts a prepared process (command, environment) in {@code workDir}, appending its output to {@code log}. */
    static ChildProcess start(String name, ProcessBuilder builder, Path workDir, Path log) {
        builder.directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            return new ChildProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + builder.command(), e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** CPU time the process has used so far (user and system), zero when the system does not say. */
    Duration cpu() {
        return ProcessHandle.of(process.pid()).flatMap(h -> h.info().totalCpuDuration())
                .orElse(Duration.ZERO);
    }

    /**
     * CPU time used so far by the process' threads whose name starts with one of {@code prefixes} (Linux' {@code /proc},
     * in clock ticks of 10 ms; zero elsewhere): for example a JVM's JIT compiler threads.
     */
    Duration threadCpu(List<String> prefixes) {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        long ticks = 0;
        try (var threads = Files.list(tasks)) {
            for (Path task : threads.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm"));
                    if (prefixes.stream().noneMatch(name::startsWith)) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    // after the name in parentheses: state is field 3; utime and stime are fields 14 and 15
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException noProc) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(ticks * 10);
    }

    Path log() {
        return log;
    }

    /** Asks the process to end (SIGTERM), then kills it if it is still running after 10 s. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        forgetHook();
    }

    /** Kills the process at once (SIGKILL) and waits for it to be gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forgetHook();
    }

    /** Returns the last lines of the log, for error messages. */
    String logTail() {
        return logTail(20);
    }

    /** Returns the last {@code count} lines of the log (appended to by every process of this name). */
    String logTail(int count) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(),
                    lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** Sends signal {@code name} ({@code STOP}, {@code CONT} ...) to the process: a fault injected for real. */
    void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + this + " failed");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }

    private void destroyNow() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void forgetHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // the hook runs anyway; nothing to do
        }
    }
}
