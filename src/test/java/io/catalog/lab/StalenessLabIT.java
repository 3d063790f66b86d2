package io.catalog.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Runs the staleness lab (failsafe) with the scenario of the {@code lab.*} system properties; {@code quick} unless
 * {@code -Dlab.scenario=default} (or {@code bin/lab}) says otherwise, and asserts the promises (docs/COHERENCE.md),
 * never a timing or a rate of this machine: no strategy ever prices a checkout wrongly (checkout reads DynamoDB
 * strongly consistent, whatever the caches hold), and the full design (strategies 3 and 4) serves no product read
 * older than a write acknowledged more than a second before it started.
 */
class StalenessLabIT {

    /** The strategies that promise bounded staleness: the full design, cache-aside and write-through. */
    static final Set<Integer> FULL_DESIGN = Set.of(3, 4);
    /** The propagation window the full design promises, far above what it measures (milliseconds). */
    static final double STALE_BOUND_MS = 1000;

    @Test
    void noCheckoutIsMisPricedAndTheFullDesignServesNothingStaleBeyondItsWindow() throws Exception {
        LabScenario scenario = LabScenario.fromSystemProperties();
        LabResult result = StalenessLab.run(scenario);

        assertThat(result.strategies()).hasSameSizeAs(scenario.strategies());
        assertThat(Files.readString(result.markdown())).contains("| strategy |");
        assertThat(Files.readString(result.svg())).startsWith("<svg");
        for (LabAnalysis.StrategyFigures figures : result.strategies()) {
            assertThat(figures.checkouts()).as("checkouts of strategy %d", figures.number()).isPositive();
            assertThat(figures.misPriced()).as("mis-priced checkouts of strategy %d", figures.number()).isZero();
            assertThat(figures.productReads()).as("product reads of strategy %d", figures.number()).isPositive();
            if (FULL_DESIGN.contains(figures.number())) {
                assertThat(figures.productStaleMaxAgeMs())
                        .as("oldest stale product read of strategy %d: ms since the write it missed was acknowledged",
                                figures.number())
                        .isLessThanOrEqualTo(STALE_BOUND_MS);
            }
        }
    }
}
