package com.m0club.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * What was built: the project version, the git commit and the build time, as stamped by Maven resource filtering
 * into {@code META-INF/m0/build-info.properties} (see the m0-runtime pom). Reported by {@code /v1/info}, the
 * {@code m0_build_info} metric and the first log line, so an operator can tell which code a process runs.
 *
 * <p>Values that were not supplied at build time (or a jar built without filtering) read as {@code "unknown"}
 * rather than failing: a missing SHA must never stop a process from starting.
 */
public record BuildInfo(String version, String gitSha, String buildTime) {

    /** The value reported for anything not known at build time. */
    public static final String UNKNOWN = "unknown";

    /** Classpath location of the filtered properties file. */
    public static final String RESOURCE = "META-INF/m0/build-info.properties";

    public BuildInfo {
        version = clean(version);
        gitSha = clean(gitSha);
        buildTime = clean(buildTime);
    }

    /** All values unknown: for tests and for jars built without the resource. */
    public static BuildInfo unknown() {
        return new BuildInfo(UNKNOWN, UNKNOWN, UNKNOWN);
    }

    /** Reads the resource from this module's class loader; all-unknown if it is missing or unreadable. */
    public static BuildInfo load() {
        ClassLoader loader = BuildInfo.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            return in == null ? unknown() : load(in);
        } catch (IOException | UncheckedIOException e) {
            return unknown();
        }
    }

    /** Reads a properties stream with keys {@code version}, {@code git_sha}, {@code build_time}. */
    public static BuildInfo load(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        Properties properties = new Properties();
        properties.load(in);
        return new BuildInfo(properties.getProperty("version"), properties.getProperty("git_sha"),
                properties.getProperty("build_time"));
    }

    /** Blank, missing or unfiltered ({@code ${...}}) values become {@link #UNKNOWN}. */
    private static String clean(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        String trimmed = value.strip();
        if (trimmed.isEmpty() || trimmed.contains("${")) {
            return UNKNOWN;
        }
        return trimmed;
    }
}
