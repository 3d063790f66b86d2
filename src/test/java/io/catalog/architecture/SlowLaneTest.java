package io.catalog.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The fast lane leaves out, and the slow lane runs, the test classes listed in {@code src/test/lanes/slow-tests.txt}
 * (pom.xml): the list must name exactly the classes tagged {@code slow}, or a slow test would run in the fast lane,
 * or in neither lane.
 */
class SlowLaneTest {

    private static final Path SOURCES = Path.of("src/test/java");

    @Test
    void theSlowLanesListNamesExactlyTheClassesTaggedSlow() throws IOException {
        List<String> listed = Files.readAllLines(Path.of("src/test/lanes/slow-tests.txt")).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).sorted().toList();
        List<String> tagged;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            tagged = files.filter(f -> f.toString().endsWith(".java")).filter(SlowLaneTest::taggedSlow)
                    .map(f -> SOURCES.relativize(f).toString().replace('\\', '/')).sorted().toList();
        }
        assertThat(tagged).as("classes tagged slow").isNotEmpty();
        assertThat(listed).as("src/test/lanes/slow-tests.txt").isEqualTo(tagged);
    }

    private static boolean taggedSlow(Path file) {
        try {
            return Files.readString(file).contains("@Tag(\"slow\")");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
