package io.catalog.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.catalog.testing.PodCluster;

/** The machine a lab or benchmark ran on, and the code it measured, for reports. */
public final class LabMachine {

    private LabMachine() {
    }

    /** CPU model, nproc, OS and Java. */
    public static String describe() {
        return LabReport.machine();
    }

    /**
     * The commit measured: {@code git rev-parse HEAD}, with {@code (dirty)} when the work tree had uncommitted
     * changes to tracked files, or {@code unknown} outside a git work tree.
     */
    public static String commit() {
        String head = git("rev-parse", "HEAD");
        if (head.isEmpty()) {
            return "unknown";
        }
        return head + (git("status", "--porcelain", "--untracked-files=no").isEmpty() ? "" : " (dirty)");
    }

    /** The load average when the run ended ({@code /proc/loadavg}), or empty where there is none. */
    public static String load() {
        try {
            String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String git(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process process = new ProcessBuilder(command).directory(PodCluster.projectRoot().toFile())
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
