package com.m0club.adapter.view.redis;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The adapter's metrics, registered once per {@link RedisView} (so once per registry). */
final class RedisMetrics {
    /** The operations whose failures {@code m0_redis_errors_total{op}} counts. */
    static final String[] OPS = {"connect", "read", "cache_write", "publish", "withdraw", "decode", "catch_up",
        "ping", "time"};

    final Counter hits;
    final Counter misses;
    final Counter fallbacks;
    final Counter errors;
    final Counter published;
    final Counter publishDropped;
    final Gauge publishQueue;
    final Counter received;
    final Counter duplicates;
    final Counter delivered;
    final Counter catchUps;
    final Counter reconnects;
    final Gauge connected;

    RedisMetrics(PrometheusRegistry registry) {
        hits = Counter.builder().name("m0_redis_cache_hits_total")
                .help("Latest-value reads answered from the Redis cache").register(registry);
        misses = Counter.builder().name("m0_redis_cache_misses_total")
                .help("Latest-value reads the Redis cache did not hold (read through from PostgreSQL)")
                .register(registry);
        fallbacks = Counter.builder().name("m0_redis_fallback_total")
                .help("Latest-value reads answered from PostgreSQL without the cache: Redis failed (error) or this"
                        + " replica has not caught up since it last lost Redis (unsynced)")
                .labelNames("reason").register(registry);
        errors = Counter.builder().name("m0_redis_errors_total")
                .help("Redis operations that failed, by operation").labelNames("op").register(registry);
        published = Counter.builder().name("m0_redis_fanout_published_total")
                .help("Served values published on the fan-out channel (once per value)").register(registry);
        publishDropped = Counter.builder().name("m0_redis_publish_dropped_total")
                .help("Values and withdrawals dropped from the full publish queue while Redis was unreachable (the"
                        + " replicas' catch-up from PostgreSQL replaces them)").register(registry);
        publishQueue = Gauge.builder().name("m0_redis_publish_queue")
                .help("Values and withdrawals waiting to be written to Redis").register(registry);
        received = Counter.builder().name("m0_redis_fanout_received_total")
                .help("Messages received from the fan-out channel, by kind").labelNames("kind").register(registry);
        duplicates = Counter.builder().name("m0_redis_fanout_duplicates_total")
                .help("Received values dropped because this replica had delivered them (or a newer one) already")
                .register(registry);
        delivered = Counter.builder().name("m0_redis_fanout_delivered_total")
                .help("Values handed to this replica's subscribers, by source (pubsub, catch_up)")
                .labelNames("source").register(registry);
        catchUps = Counter.builder().name("m0_redis_catchups_total")
                .help("Reads of every market's latest value from PostgreSQL by a replica, by trigger (subscribed:"
                        + " after (re)subscribing; outage: polling while Redis is unreachable; resync: periodic)")
                .labelNames("trigger").register(registry);
        reconnects = Counter.builder().name("m0_redis_reconnects_total")
                .help("Redis connections re-established after a loss, by connection (commands, pubsub)")
                .labelNames("connection").register(registry);
        connected = Gauge.builder().name("m0_redis_connected")
                .help("1 while the connection to Redis is up, by connection (commands, pubsub)")
                .labelNames("connection").register(registry);
        for (String op : OPS) {
            errors.labelValues(op);
        }
        fallbacks.labelValues("error");
        fallbacks.labelValues("unsynced");
    }
}
