package com.m0club.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.config.ConfigSummary;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void freshRegistryWithJvmMetricsAndBuildInfo() throws Exception {
        PrometheusRegistry registry = Metrics.newRegistry(new BuildInfo("1.2.3", "abc123", "t"),
                new ConfigSummary("f00d", "dev", List.of("quant")));
        PrometheusRegistry second = Metrics.newRegistry(BuildInfo.unknown(),
                new ConfigSummary("beef", "prod", List.of()));

        String text = scrape(registry);

        assertThat(registry).isNotSameAs(PrometheusRegistry.defaultRegistry).isNotSameAs(second);
        assertThat(text).contains(
                "m0_build_info{config_hash=\"f00d\",env=\"dev\",git_sha=\"abc123\",version=\"1.2.3\"} 1");
        assertThat(text).contains("jvm_memory_used_bytes").contains("jvm_threads_current");
        assertThat(scrape(second)).contains("config_hash=\"beef\"").doesNotContain("f00d");
    }

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
