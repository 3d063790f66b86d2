package io.catalog.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The outcome of a lab run: the figures per strategy and where they were written. */
public record LabResult(LabScenario scenario, List<LabAnalysis.StrategyFigures> strategies, Path markdown, Path svg,
        Duration elapsed) {

    /** Stale product reads at W=0 of a strategy, in percent, if it ran. */
    public Optional<Double> staleProductPercent(int strategy) {
        return strategies.stream().filter(s -> s.number() == strategy).findFirst()
                .map(LabAnalysis.StrategyFigures::staleProductPercentW0);
    }

    /** Stale product reads at W=100 ms of a strategy, in percent, if it ran. */
    public Optional<Double> staleProductPercentOutsideWindow(int strategy) {
        return strategies.stream().filter(s -> s.number() == strategy).findFirst().map(s -> s.productStale()[2] * 100);
    }

    /** Mis-priced checkouts over all strategies. */
    public int misPricedCheckouts() {
        return strategies.stream().mapToInt(LabAnalysis.StrategyFigures::misPriced).sum();
    }
}
