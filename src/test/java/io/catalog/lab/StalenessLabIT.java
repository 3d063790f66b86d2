package io.catalog.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/**
 * Runs the staleness lab (failsafe) with the scenario of the {@code lab.*} system properties; {@code quick} unless
 * {@code -Dlab.scenario=default} (or {@code bin/lab}) says otherwise. It asserts only that the run completed and that
 * the full design's (strategy 3) stale rate was reported (a number): never a timing or a rate of this machine.
 * Mis-priced checkouts are reported in {@code results/<scenario>/results.md}.
 */
class StalenessLabIT {

    @Test
    void theLabRunsAndReportsTheFullDesignsStaleRate() throws Exception {
        LabScenario scenario = LabScenario.fromSystemProperties();
        LabResult result = StalenessLab.run(scenario);

        assertThat(result.strategies()).hasSameSizeAs(scenario.strategies());
        assertThat(Files.readString(result.markdown())).contains("| strategy |");
        assertThat(Files.readString(result.svg())).startsWith("<svg");
        if (scenario.strategies().contains(3)) {
            assertThat(result.staleProductPercent(3)).hasValueSatisfying(p -> assertThat(p).isNotNaN().isBetween(0.0, 100.0));
        }
    }
}
