package com.m0club.publish.read;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.view.PublishedFeed;
import com.m0club.view.ServedValue;
import com.m0club.view.Withdrawal;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process fan-out of newly served values (from the reconciler, or from {@code m0.published} to the realtime
 * role). A listener that throws is counted and logged, and does not stop delivery to the others.
 */
public final class PublishedHub implements PublishedFeed {
    private static final Logger LOG = LoggerFactory.getLogger(PublishedHub.class);

    private final CopyOnWriteArrayList<Consumer<ServedValue>> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<Withdrawal>> withdrawalListeners = new CopyOnWriteArrayList<>();
    private final Counter listenerErrors;
    private final String name;

    /** A single hub in {@code registry}, named {@code default}. */
    public PublishedHub(PrometheusRegistry registry) {
        this(errorCounter(registry), "default");
    }

    /**
     * One of several hubs sharing {@code listenerErrors} (from {@link #errorCounter}, registered once per registry);
     * its failures are counted under the label {@code hub=name}.
     */
    public PublishedHub(Counter listenerErrors, String name) {
        this.listenerErrors = listenerErrors;
        this.name = name;
    }

    /** Registers {@code m0_published_listener_errors_total{hub}}; call once per registry. */
    public static Counter errorCounter(PrometheusRegistry registry) {
        return Counter.builder().name("m0_published_listener_errors_total")
                .help("Exceptions thrown by listeners of newly served values, by hub").labelNames("hub")
                .register(registry);
    }

    @Override
    public AutoCloseable subscribe(Consumer<ServedValue> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public AutoCloseable subscribeWithdrawals(Consumer<Withdrawal> listener) {
        withdrawalListeners.add(listener);
        return () -> withdrawalListeners.remove(listener);
    }

    /** {@link #withdraw} of {@code market}'s value from {@code bundleHash}. */
    public void publishWithdrawal(MarketId market, Hash32 bundleHash) {
        withdraw(new Withdrawal(market, bundleHash));
    }

    /** Delivers {@code withdrawal} to every withdrawal listener, on the caller's thread. */
    public void withdraw(Withdrawal withdrawal) {
        for (Consumer<Withdrawal> l : withdrawalListeners) {
            try {
                l.accept(withdrawal);
            } catch (RuntimeException e) {
                listenerErrors.labelValues(name).inc();
                LOG.warn("withdrawal listener failed for {}: {}", withdrawal.marketId(), e.toString());
            }
        }
    }

    /** Delivers {@code value} to every listener, on the caller's thread. */
    public void publish(ServedValue value) {
        for (Consumer<ServedValue> l : listeners) {
            try {
                l.accept(value);
            } catch (RuntimeException e) {
                listenerErrors.labelValues(name).inc();
                LOG.warn("published-value listener failed for {}: {}", value.marketId(), e.toString());
            }
        }
    }
}
