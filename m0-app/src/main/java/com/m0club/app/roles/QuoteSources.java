package com.m0club.app.roles;

import com.m0club.devkit.sim.Simulator;
import com.m0club.devkit.sim.SimulatorSource;
import com.m0club.engine.source.QuoteSource;
import com.m0club.engine.source.replay.JsonlReplaySource;
import com.m0club.engine.source.replay.ReplayMetrics;
import com.m0club.protocol.registry.Market;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.QuoteSourceSetting;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestor's {@link QuoteSource}, chosen by {@code quote_source} ({@code M0_QUOTE_SOURCE}): the market simulator
 * (the dev default) or a JSONL replay file. Outside dev there is no default: an ingestor without the key fails at
 * start, naming it.
 */
public final class QuoteSources {
    private static final Logger LOG = LoggerFactory.getLogger(QuoteSources.class);

    private QuoteSources() {}

    /**
     * The configured source, not yet started.
     *
     * @param markets the markets the simulator quotes (ignored by a replay)
     * @param simulatorSeed the simulator's seed
     * @throws IllegalStateException naming {@code quote_source} when it is not set
     */
    public static QuoteSource of(Config config, List<Market> markets, long simulatorSeed, InstantSource clock,
            PrometheusRegistry registry) {
        QuoteSourceSetting setting = config.find(M0Keys.QUOTE_SOURCE).orElseThrow(() -> new IllegalStateException(
                "quote_source (M0_QUOTE_SOURCE) is required when the ingestor runs outside dev: set it to "
                        + "jsonl:<path> to replay a quotes file (or simulator)"));
        QuoteSource source = switch (setting) {
            case QuoteSourceSetting.Simulator s -> new SimulatorSource(Simulator.builder().seed(simulatorSeed)
                    .markets(markets).startMs(clock.millis()).adversarialPerMarket(1).build());
            case QuoteSourceSetting.Jsonl j -> new JsonlReplaySource(j.file(), new ReplayMetrics(registry),
                    line -> LOG.warn("skipping a malformed quote line: {}", line));
        };
        LOG.info("ingestor quote source: {}", source.name());
        return source;
    }
}
