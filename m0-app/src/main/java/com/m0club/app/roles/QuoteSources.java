package com.m0club.app.roles;

import com.m0club.adapter.source.http.ConnectorSpec;
import com.m0club.adapter.source.http.ConnectorsFile;
import com.m0club.adapter.source.http.HttpQuoteSource;
import com.m0club.devkit.sim.Simulator;
import com.m0club.devkit.sim.SimulatorSource;
import com.m0club.engine.source.CombinedQuoteSource;
import com.m0club.engine.source.QuoteSource;
import com.m0club.engine.source.replay.JsonlReplaySource;
import com.m0club.engine.source.replay.ReplayMetrics;
import com.m0club.protocol.registry.Market;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.QuoteSourceSetting;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestor's {@link QuoteSource}, chosen by {@code quote_source} ({@code M0_QUOTE_SOURCE}): the market simulator
 * (the dev default), a JSONL replay file, the HTTP connectors of {@code connectors_file}, or several of them combined.
 * Outside dev there is no default: an ingestor without the key fails at start, naming it.
 */
public final class QuoteSources {
    private static final Logger LOG = LoggerFactory.getLogger(QuoteSources.class);

    private QuoteSources() {}

    /**
     * What the ingestor polls, and the HTTP connectors among it (which the operator's disable switch reaches).
     *
     * @param source the source to start and poll
     * @param connectors the HTTP connectors when {@code quote_source} lists {@code connectors}
     */
    public record Selected(QuoteSource source, Optional<HttpQuoteSource> connectors) {}

    /**
     * The configured source, not yet started.
     *
     * @param markets the markets the simulator quotes (ignored by a replay)
     * @param simulatorSeed the simulator's seed
     * @throws IllegalStateException naming {@code quote_source} when it is not set
     */
    public static QuoteSource of(Config config, List<Market> markets, long simulatorSeed, InstantSource clock,
            PrometheusRegistry registry) {
        return select(config, markets, simulatorSeed, clock, registry, System.getenv()).source();
    }

    /**
     * The configured source and its HTTP connectors, not yet started.
     *
     * @param env where the connectors file's {@code env:NAME} header values are read
     * @throws IllegalStateException naming {@code quote_source} when it is not set
     * @throws com.m0club.adapter.source.http.ConnectorsFileException naming file, connector, field and rule
     */
    public static Selected select(Config config, List<Market> markets, long simulatorSeed, InstantSource clock,
            PrometheusRegistry registry, Map<String, String> env) {
        QuoteSourceSetting setting = config.find(M0Keys.QUOTE_SOURCE).orElseThrow(() -> new IllegalStateException(
                "quote_source (M0_QUOTE_SOURCE) is required when the ingestor runs outside dev: set it to "
                        + "jsonl:<path> to replay a quotes file, connectors for the HTTP connectors of"
                        + " connectors_file (or simulator)"));
        List<QuoteSource> parts = new ArrayList<>();
        Optional<HttpQuoteSource> connectors = Optional.empty();
        for (QuoteSourceSetting part : setting.parts()) {
            QuoteSource source = switch (part) {
                case QuoteSourceSetting.Simulator s -> new SimulatorSource(Simulator.builder().seed(simulatorSeed)
                        .markets(markets).startMs(clock.millis()).adversarialPerMarket(1).build());
                case QuoteSourceSetting.Jsonl j -> new JsonlReplaySource(j.file(), new ReplayMetrics(registry),
                        line -> LOG.warn("skipping a malformed quote line: {}", line));
                case QuoteSourceSetting.Connectors c -> {
                    // M0Keys guarantees connectors_file is set when connectors is listed
                    Path file = config.get(M0Keys.CONNECTORS_FILE);
                    List<ConnectorSpec> specs = ConnectorsFile.read(file, env);
                    HttpQuoteSource http = HttpQuoteSource.builder(specs, registry).wallClock(clock).build();
                    connectors = Optional.of(http);
                    yield http;
                }
                case QuoteSourceSetting.Combined all -> throw new IllegalStateException(
                        "a combined quote_source has single parts only");
            };
            parts.add(source);
        }
        QuoteSource source = parts.size() == 1 ? parts.getFirst() : new CombinedQuoteSource(parts);
        LOG.info("ingestor quote source: {}", source.name());
        return new Selected(source, connectors);
    }
}
