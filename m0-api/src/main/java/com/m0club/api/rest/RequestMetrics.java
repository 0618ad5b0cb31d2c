package com.m0club.api.rest;

import com.m0club.protocol.ProtocolException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps every route handler: turns {@link ApiException} and {@link ProtocolException} into JSON error responses,
 * anything else into a logged 500, and counts every request by route pattern and status (so every failure path,
 * 4xx or 5xx, shows up in {@code m0_api_requests_total}) and times it in {@code m0_api_request_seconds}.
 */
final class RequestMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(RequestMetrics.class);

    private final Counter requests;
    private final Histogram seconds;
    private final InstantSource clock;

    RequestMetrics(PrometheusRegistry registry, InstantSource clock) {
        this.clock = clock;
        this.requests = Counter.builder().name("m0_api_requests_total")
                .help("API requests by route pattern and HTTP status").labelNames("route", "status")
                .register(registry);
        this.seconds = Histogram.builder().name("m0_api_request_seconds")
                .help("API request handling time by route pattern").labelNames("route")
                .classicOnly().register(registry);
    }

    /** {@code route} is the pattern (for example {@code /v1/markets/{id}}), never the raw path: bounded labels. */
    Handler metered(String route, Handler handler) {
        return (req, res) -> {
            Instant start = clock.instant();
            // counted just before the response goes out, so a client that has its answer sees it counted
            res.beforeSend(() -> {
                requests.labelValues(route, Integer.toString(res.status().code())).inc();
                Duration took = Duration.between(start, clock.instant());
                seconds.labelValues(route).observe(Math.max(0, took.toNanos()) / 1e9);
            });
            try {
                handler.handle(req, res);
            } catch (ApiException e) {
                sendError(res, e.error());
            } catch (ProtocolException e) {
                sendError(res, ApiError.badRequest(e));
            } catch (Exception e) {
                LOG.error("{} {} failed", req.prologue().method().text(), route, e);
                sendError(res, ApiError.internal());
            }
        };
    }

    private static void sendError(ServerResponse res, ApiError error) {
        if (!res.isSent()) {
            Responses.error(res, error);
        }
    }
}
