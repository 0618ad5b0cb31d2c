package com.m0club.runtime.tracing;

import com.m0club.runtime.config.Role;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.prometheus.metrics.core.metrics.Counter;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * Builds a process's {@link Tracing} from the standard OpenTelemetry environment variables (the names of the
 * OpenTelemetry specification, not M0 config keys; listed in docs/operations.md and known to the config loader, so
 * they are never reported as unknown). Nothing set means tracing off: a no-op tracer at no cost.
 *
 * <ul>
 *   <li>{@code OTEL_SDK_DISABLED=true}, or {@code OTEL_TRACES_EXPORTER=none}: off, whatever else is set.</li>
 *   <li>{@code OTEL_TRACES_EXPORTER=otlp} (the default when an OTLP endpoint is set): OTLP over HTTP/protobuf to
 *       {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (as is) or {@code OTEL_EXPORTER_OTLP_ENDPOINT} + {@code /v1/traces}
 *       (default {@code http://localhost:4318}), with {@code OTEL_EXPORTER_OTLP_[TRACES_]HEADERS}
 *       ({@code k=v,k2=v2}; values are never logged). {@code OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL} may only be
 *       {@code http/protobuf}: this build carries no gRPC transport.</li>
 *   <li>{@code OTEL_TRACES_EXPORTER=zipkin}: Zipkin v2 JSON to {@code OTEL_EXPORTER_ZIPKIN_ENDPOINT} (default
 *       {@code http://localhost:9411/api/v2/spans}).</li>
 *   <li>{@code OTEL_SERVICE_NAME} (default {@link #serviceName}: {@code m0-<roles>}), {@code OTEL_RESOURCE_ATTRIBUTES}
 *       ({@code k=v,...}), {@code OTEL_TRACES_SAMPLER} ({@code parentbased_always_on} by default,
 *       {@code always_on}, {@code always_off}, {@code traceidratio}, {@code parentbased_always_off},
 *       {@code parentbased_traceidratio}) with {@code OTEL_TRACES_SAMPLER_ARG} (the ratio, 0..1, ratio samplers
 *       only).</li>
 * </ul>
 * A value that cannot take effect (an unknown exporter or sampler, a gRPC protocol, a Zipkin endpoint without the
 * Zipkin exporter, a malformed URL) fails with an {@link IllegalArgumentException} naming the variable and the rule:
 * nothing set is accepted and ignored. Spans are exported in batches on a background thread
 * ({@link BatchSpanProcessor}); {@link Tracing#close} flushes them.
 */
public final class TracingSetup {
    public static final String SDK_DISABLED = "OTEL_SDK_DISABLED";
    public static final String SERVICE_NAME = "OTEL_SERVICE_NAME";
    public static final String RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";
    public static final String TRACES_EXPORTER = "OTEL_TRACES_EXPORTER";
    public static final String TRACES_SAMPLER = "OTEL_TRACES_SAMPLER";
    public static final String TRACES_SAMPLER_ARG = "OTEL_TRACES_SAMPLER_ARG";
    public static final String OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public static final String OTLP_TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public static final String OTLP_PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public static final String OTLP_TRACES_PROTOCOL = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
    public static final String OTLP_HEADERS = "OTEL_EXPORTER_OTLP_HEADERS";
    public static final String OTLP_TRACES_HEADERS = "OTEL_EXPORTER_OTLP_TRACES_HEADERS";
    public static final String ZIPKIN_ENDPOINT = "OTEL_EXPORTER_ZIPKIN_ENDPOINT";

    /** Every variable read here, for the config loader's list of known environment variables. */
    public static final List<String> ENV_VARS = List.of(SDK_DISABLED, SERVICE_NAME, RESOURCE_ATTRIBUTES,
            TRACES_EXPORTER, TRACES_SAMPLER, TRACES_SAMPLER_ARG, OTLP_ENDPOINT, OTLP_TRACES_ENDPOINT, OTLP_PROTOCOL,
            OTLP_TRACES_PROTOCOL, OTLP_HEADERS, OTLP_TRACES_HEADERS, ZIPKIN_ENDPOINT);

    static final String DEFAULT_OTLP_ENDPOINT = "http://localhost:4318";
    static final String DEFAULT_ZIPKIN_ENDPOINT = "http://localhost:9411/api/v2/spans";
    private static final Set<String> SAMPLERS = Set.of("always_on", "always_off", "traceidratio",
            "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio");

    private TracingSetup() {}

    /** The exporter a process sends its spans with. */
    public sealed interface Exporter {
        /** OTLP over HTTP/protobuf to {@code endpoint} (the full traces URL) with {@code headers}. */
        record Otlp(URI endpoint, Map<String, String> headers) implements Exporter {
            public Otlp {
                Objects.requireNonNull(endpoint, "endpoint");
                headers = Map.copyOf(headers);
            }

            @Override
            public String toString() {
                // header values are credentials (an API key for a hosted backend): names only
                return "otlp http/protobuf -> " + endpoint + (headers.isEmpty() ? "" : " headers " + headers.keySet());
            }
        }

        /** Zipkin v2 JSON to {@code endpoint} (the spans URL, {@code .../api/v2/spans}). */
        record Zipkin(URI endpoint) implements Exporter {
            public Zipkin {
                Objects.requireNonNull(endpoint, "endpoint");
            }

            @Override
            public String toString() {
                return "zipkin -> " + endpoint;
            }
        }
    }

    /**
     * What the environment asks for: empty when tracing stays off.
     *
     * @param sampler one of the OpenTelemetry sampler names; {@code samplerRatio} is its argument
     * @param resource {@code service.name} and the {@code OTEL_RESOURCE_ATTRIBUTES}
     */
    public record Settings(Exporter exporter, String serviceName, Map<String, String> resource, String sampler,
            double samplerRatio) {
        public Settings {
            Objects.requireNonNull(exporter, "exporter");
            Objects.requireNonNull(serviceName, "serviceName");
            resource = Map.copyOf(resource);
            Objects.requireNonNull(sampler, "sampler");
        }
    }

    /** The default service name of a process running {@code roles}: {@code m0-all}, or {@code m0-<a>+<b>+...}. */
    public static String serviceName(Collection<Role> roles) {
        Objects.requireNonNull(roles, "roles");
        if (roles.isEmpty()) {
            return "m0";
        }
        EnumSet<Role> set = EnumSet.copyOf(roles);
        if (set.equals(EnumSet.allOf(Role.class))) {
            return "m0-all";
        }
        return "m0-" + set.stream().map(Role::id).collect(Collectors.joining("+"));
    }

    /**
     * Tracing as {@code env} asks for (see the class comment), with {@code defaultServiceName} unless
     * {@code OTEL_SERVICE_NAME} is set.
     *
     * @throws IllegalArgumentException naming the variable and the rule when a value cannot take effect
     */
    public static Tracing fromEnv(Map<String, String> env, String defaultServiceName) {
        return settings(env, defaultServiceName).map(TracingSetup::build).orElse(Tracing.off());
    }

    /** The settings {@code env} asks for; empty when tracing stays off. */
    public static Optional<Settings> settings(Map<String, String> env, String defaultServiceName) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(defaultServiceName, "defaultServiceName");
        String disabled = value(env, SDK_DISABLED).orElse("false").toLowerCase(Locale.ROOT);
        if (!disabled.equals("true") && !disabled.equals("false")) {
            throw invalid(SDK_DISABLED, "must be true or false", disabled);
        }
        Optional<String> exporterName = value(env, TRACES_EXPORTER).map(v -> v.toLowerCase(Locale.ROOT));
        if (disabled.equals("true") || exporterName.equals(Optional.of("none"))) {
            return Optional.empty();
        }
        Optional<String> otlpEndpoint = value(env, OTLP_ENDPOINT);
        Optional<String> otlpTracesEndpoint = value(env, OTLP_TRACES_ENDPOINT);
        Optional<String> zipkinEndpoint = value(env, ZIPKIN_ENDPOINT);
        boolean otlpSet = otlpEndpoint.isPresent() || otlpTracesEndpoint.isPresent();
        String exporter;
        if (exporterName.isPresent()) {
            exporter = exporterName.get();
        } else if (otlpSet) {
            exporter = "otlp";
        } else if (zipkinEndpoint.isPresent()) {
            throw new IllegalArgumentException(ZIPKIN_ENDPOINT + " is set but " + TRACES_EXPORTER
                    + " is not zipkin: set " + TRACES_EXPORTER + "=zipkin to export to Zipkin");
        } else {
            return Optional.empty();
        }
        Exporter chosen = switch (exporter) {
            case "otlp" -> {
                if (zipkinEndpoint.isPresent()) {
                    throw new IllegalArgumentException(ZIPKIN_ENDPOINT + " is set but " + TRACES_EXPORTER
                            + " is otlp: unset one of them");
                }
                protocol(env, OTLP_TRACES_PROTOCOL).or(() -> protocol(env, OTLP_PROTOCOL));
                URI endpoint = otlpTracesEndpoint.isPresent() ? url(OTLP_TRACES_ENDPOINT, otlpTracesEndpoint.get())
                        : url(otlpEndpoint.isPresent() ? OTLP_ENDPOINT : "the default OTLP endpoint",
                                trimSlash(otlpEndpoint.orElse(DEFAULT_OTLP_ENDPOINT)) + "/v1/traces");
                Map<String, String> headers = new LinkedHashMap<>(pairs(env, OTLP_HEADERS));
                headers.putAll(pairs(env, OTLP_TRACES_HEADERS));
                yield new Exporter.Otlp(endpoint, headers);
            }
            case "zipkin" -> {
                if (otlpSet) {
                    throw new IllegalArgumentException((otlpTracesEndpoint.isPresent() ? OTLP_TRACES_ENDPOINT
                            : OTLP_ENDPOINT) + " is set but " + TRACES_EXPORTER + " is zipkin: unset one of them");
                }
                yield new Exporter.Zipkin(zipkinEndpoint.map(v -> url(ZIPKIN_ENDPOINT, v))
                        .orElse(URI.create(DEFAULT_ZIPKIN_ENDPOINT)));
            }
            default -> throw invalid(TRACES_EXPORTER, "must be otlp, zipkin or none (one exporter)", exporter);
        };
        String sampler = value(env, TRACES_SAMPLER).map(v -> v.toLowerCase(Locale.ROOT))
                .orElse("parentbased_always_on");
        if (!SAMPLERS.contains(sampler)) {
            throw invalid(TRACES_SAMPLER, "must be one of " + new java.util.TreeSet<>(SAMPLERS), sampler);
        }
        double ratio = 1.0;
        Optional<String> arg = value(env, TRACES_SAMPLER_ARG);
        if (arg.isPresent()) {
            if (!sampler.endsWith("traceidratio")) {
                throw new IllegalArgumentException(TRACES_SAMPLER_ARG + " is set but " + TRACES_SAMPLER + " is "
                        + sampler + ", which takes no argument: use traceidratio or parentbased_traceidratio");
            }
            try {
                ratio = Double.parseDouble(arg.get());
            } catch (NumberFormatException e) {
                ratio = Double.NaN;
            }
            if (!(ratio >= 0 && ratio <= 1)) {
                throw invalid(TRACES_SAMPLER_ARG, "must be a ratio between 0 and 1", arg.get());
            }
        }
        Map<String, String> resource = new LinkedHashMap<>(pairs(env, RESOURCE_ATTRIBUTES));
        String service = value(env, SERVICE_NAME).or(() -> Optional.ofNullable(resource.get("service.name")))
                .orElse(defaultServiceName);
        resource.put("service.name", service);
        return Optional.of(new Settings(chosen, service, resource, sampler, ratio));
    }

    /** The SDK for {@code settings}: its exporter behind a batch processor, counted in m0_tracing_spans_total. */
    public static Tracing build(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        SpanExporter exporter = switch (settings.exporter()) {
            case Exporter.Otlp o -> {
                OtlpHttpSpanExporterBuilder b = OtlpHttpSpanExporter.builder().setEndpoint(o.endpoint().toString());
                o.headers().forEach(b::addHeader);
                yield b.build();
            }
            case Exporter.Zipkin z -> ZipkinSpanExporter.builder()
                    .setSender(URLConnectionSender.create(z.endpoint().toString())).build();
        };
        Counter spans = Counter.builder().name("m0_tracing_spans_total")
                .help("Spans handed to the trace exporter, by outcome: exported, or failed (the backend refused"
                        + " them or could not be reached; the spans are dropped)")
                .labelNames("outcome").build();
        spans.labelValues("exported");
        spans.labelValues("failed");
        AttributesBuilder resource = Attributes.builder();
        settings.resource().forEach(resource::put);
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(resource.build())))
                .setSampler(sampler(settings.sampler(), settings.samplerRatio()))
                .addSpanProcessor(BatchSpanProcessor.builder(new Counting(exporter, spans)).build())
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        return Tracing.of(sdk, settings.exporter() + " as " + settings.serviceName(), spans);
    }

    private static Sampler sampler(String name, double ratio) {
        return switch (name) {
            case "always_on" -> Sampler.alwaysOn();
            case "always_off" -> Sampler.alwaysOff();
            case "traceidratio" -> Sampler.traceIdRatioBased(ratio);
            case "parentbased_always_off" -> Sampler.parentBased(Sampler.alwaysOff());
            case "parentbased_traceidratio" -> Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
            default -> Sampler.parentBased(Sampler.alwaysOn());
        };
    }

    private static Optional<String> protocol(Map<String, String> env, String name) {
        Optional<String> protocol = value(env, name);
        if (protocol.isPresent() && !protocol.get().equals("http/protobuf")) {
            throw invalid(name, "must be http/protobuf (this build exports OTLP over HTTP only; a collector listens"
                    + " for it on port 4318)", protocol.get());
        }
        return protocol;
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static URI url(String name, String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw invalid(name, "must be an http(s) URL", value);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw invalid(name, "must be an http(s) URL with a host", value);
        }
        return uri;
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** {@code k=v,k2=v2} with percent-encoded values (W3C Baggage style, as the OpenTelemetry spec reads them). */
    private static Map<String, String> pairs(Map<String, String> env, String name) {
        Optional<String> raw = value(env, name);
        Map<String, String> out = new LinkedHashMap<>();
        if (raw.isEmpty()) {
            return out;
        }
        for (String part : raw.get().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                // the value may be a credential: show the key part only
                throw new IllegalArgumentException(name + ": must be a comma-separated list of key=value, got an"
                        + " entry without '=' or key (" + (eq < 0 ? part.strip().length() + " characters" : "empty key")
                        + ")");
            }
            String key = part.substring(0, eq).strip();
            String v = part.substring(eq + 1).strip();
            try {
                out.put(key, URLDecoder.decode(v.replace("+", "%2B"), StandardCharsets.UTF_8)); // '+' is a plus
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": the value of " + key + " is not valid percent-encoding");
            }
        }
        return out;
    }

    private static IllegalArgumentException invalid(String name, String rule, String got) {
        return new IllegalArgumentException(name + ": " + rule + ", got '" + got + "'");
    }

    /** Counts what the exporter did with each batch. */
    private record Counting(SpanExporter delegate, Counter spans) implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            int n = batch.size();
            CompletableResultCode result = delegate.export(batch);
            result.whenComplete(() -> spans.labelValues(result.isSuccess() ? "exported" : "failed").inc(n));
            return result;
        }

        @Override
        public CompletableResultCode flush() {
            return delegate.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return delegate.shutdown();
        }
    }
}
