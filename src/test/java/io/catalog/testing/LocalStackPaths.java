package io.catalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the project root (the Maven basedir) and the folder that receives the logs of the
 * servers started by tests ({@code target/local-stack/}).
 */
final class LocalStackPaths {

    private LocalStackPaths() {
    }

    /**
     * Returns the project root: the working directory when it holds {@code package.json} (Surefire
     * runs in the Maven basedir), otherwise the nearest parent that holds one, otherwise the
     * working directory.
     */
    static Path projectRoot() {
        Path cwd = Paths.get(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("package.json"))) {
                return dir;
            }
        }
        return cwd;
    }

    /** Returns {@code <project root>/target/local-stack}, creating it when missing. */
    static Path logDir() {
        Path dir = projectRoot().resolve("target").resolve("local-stack");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dir, e);
        }
    }

    /** Returns the first executable named {@code name} on PATH, or {@code fallback} if none. */
    static Path findExecutable(String name, Path fallback) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (entry.isEmpty()) {
                    continue;
                }
                Path candidate = Paths.get(entry, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fallback != null && Files.isExecutable(fallback) ? fallback : null;
    }
}
