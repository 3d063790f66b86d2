package io.catalog.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The CI version of {@code bin/chaos}: 60 s on 3 pods, every fault kind drawn at random (seed {@code chaos.seed}, 7 by
 * default), the history checked; the report goes to {@code target/chaos/chaos.md}. Zero violations, or the report
 * names them with their histories.
 */
class ChaosIT {

    @Test
    void aShortFaultRunHasNoViolation() throws Exception {
        long seed = Long.getLong("chaos.seed", 7);
        Path report = Path.of("target/chaos/chaos.md");
        ChaosRun.Result result = new ChaosRun(new ChaosRun.Settings(seed,
                Duration.ofSeconds(Long.getLong("chaos.seconds", 60)), 3, 2, 4, report, "ChaosIT (seed " + seed + ")"))
                .run();
        System.out.printf("ChaosIT: %d operations, faults %s, %d violations (target/chaos/chaos.md)%n",
                result.history().operations(), ChaosRun.sorted(result.faults()), result.violations().size());
        result.violations().stream().limit(20).forEach(v -> System.out.println("  " + v.kind() + ": " + v.detail()));
        assertThat(result.history().writes).as("writes").isNotEmpty();
        assertThat(result.violations()).as("violations (see %s)", report).isEmpty();
    }
}
