package com.m0club.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BuildInfoTest {

    @Test
    void loadsTheFilteredResource() {
        BuildInfo info = BuildInfo.load();

        assertThat(info.version()).isNotEqualTo(BuildInfo.UNKNOWN).doesNotContain("${").contains(".");
        assertThat(info.gitSha()).isNotBlank().doesNotContain("${");
        assertThat(info.buildTime()).isNotBlank().doesNotContain("${");
    }

    @Test
    void unfilteredOrMissingValuesAreUnknown() throws Exception {
        String text = "version=1.0\ngit_sha=${m0.git.sha}\n";

        BuildInfo info = BuildInfo.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(info).isEqualTo(new BuildInfo("1.0", "unknown", "unknown"));
        assertThat(BuildInfo.unknown().gitSha()).isEqualTo("unknown");
    }
}
