package com.m0club.adapter.eventlog.kafka;

import com.m0club.eventlog.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the M0 topics ({@link #M0_TOPICS}) on a Kafka cluster with the configured partitions, replication factor
 * and retention: what {@code m0 eventlog init} runs. Idempotent: a topic that exists with the settings is kept; one
 * with fewer partitions gets more (Kafka can add partitions, never remove them: the keys of the new partitions' share
 * move there, so run it before traffic or accept that those markets' order restarts on their new partition); one
 * whose retention differs gets the configured retention. What cannot be fixed here (more partitions than configured,
 * another replication factor) is reported as {@link Change#MISMATCH} and left as it is.
 */
public final class KafkaTopics {
    /** The topics every M0 deployment uses (docs/architecture.md, data flow). */
    public static final List<String> M0_TOPICS = List.of(Topics.EVENTS, Topics.SOURCE_HEALTH,
            Topics.FEATURES, Topics.OUTPUTS, Topics.BUNDLES, Topics.PUBLISHED, Topics.WITHDRAWN);

    private KafkaTopics() {}

    /**
     * What a topic should look like.
     *
     * @param partitions 1..1024
     * @param replicationFactor 1..7 (at most the number of brokers)
     * @param retention how long records are kept, at least 1 hour
     */
    public record Settings(int partitions, int replicationFactor, Duration retention) {
        public Settings {
            Objects.requireNonNull(retention, "retention");
            if (partitions < 1 || partitions > 1024) {
                throw new IllegalArgumentException("partitions: must be 1..1024, got " + partitions);
            }
            if (replicationFactor < 1 || replicationFactor > 7) {
                throw new IllegalArgumentException("replicationFactor: must be 1..7, got " + replicationFactor);
            }
            if (retention.compareTo(Duration.ofHours(1)) < 0) {
                throw new IllegalArgumentException("retention: must be at least 1 hour, got " + retention);
            }
        }

        long retentionMs() {
            return retention.toMillis();
        }

        @Override
        public String toString() {
            return partitions + " partitions, replication factor " + replicationFactor + ", retention "
                    + retention.toHours() + " h";
        }
    }

    /** What init did to a topic. */
    public enum Change {
        /** It did not exist and was created with the settings. */
        CREATED,
        /** It existed with the settings. */
        KEPT,
        /** It existed and was brought to the settings (more partitions, the configured retention). */
        UPDATED,
        /** It differs in a way init cannot fix (see the report's notes); nothing was changed for that difference. */
        MISMATCH,
        /** A call for it failed (the note says which and why, for example too few brokers for the replication). */
        FAILED
    }

    /**
     * One topic after init.
     *
     * @param topic the topic name
     * @param change what was done
     * @param partitions its partition count now
     * @param replicationFactor its replication factor now
     * @param retentionMs its retention.ms now
     * @param notes what was changed or what differs, one sentence each; empty when kept or created
     */
    public record Report(String topic, Change change, int partitions, int replicationFactor, long retentionMs,
            List<String> notes) {
        public Report {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(change, "change");
            notes = List.copyOf(notes);
        }

        /** Whether the topic has the settings now ({@link Change#CREATED}, {@link Change#KEPT} or {@link Change#UPDATED}). */
        public boolean ok() {
            return change != Change.MISMATCH && change != Change.FAILED;
        }

        /** One line for operators: {@code m0.events: created (12 partitions, replication factor 1, retention 168 h)}. */
        public String describe() {
            if (change == Change.FAILED) {
                return topic + ": failed: " + String.join("; ", notes);
            }
            String state = partitions + " partitions, replication factor " + replicationFactor + ", retention "
                    + (retentionMs < 0 ? "unlimited" : retentionMs % 3_600_000 == 0 ? retentionMs / 3_600_000 + " h"
                    : retentionMs + " ms");
            String line = topic + ": " + change.name().toLowerCase(java.util.Locale.ROOT) + " (" + state + ")";
            return notes.isEmpty() ? line : line + ": " + String.join("; ", notes);
        }
    }

    /**
     * Ensures the M0 topics on the cluster at {@code bootstrap}.
     *
     * @param timeout the bound of each admin call
     * @throws IllegalStateException naming the brokers when they cannot be reached
     */
    public static List<Report> init(KafkaBootstrap bootstrap, Settings settings, Duration timeout) {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap.bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "m0-eventlog-init");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            try {
                admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw failed("reach the brokers", e.getCause());
            } catch (TimeoutException e) {
                throw failed("reach the brokers", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reaching the brokers", e);
            }
            return ensure(admin, M0_TOPICS, settings, timeout);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("kafka " + bootstrap.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Ensures {@code topics} through {@code admin}; one report per topic, in the given order (a topic whose calls
     * fail is reported as {@link Change#FAILED} and the others are still ensured).
     */
    public static List<Report> ensure(Admin admin, Collection<String> topics, Settings settings, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(timeout, "timeout");
        List<Report> reports = new ArrayList<>();
        for (String topic : topics) {
            try {
                reports.add(ensureOne(admin, topic, settings, timeout));
            } catch (IllegalStateException e) {
                reports.add(new Report(topic, Change.FAILED, 0, 0, 0, List.of(e.getMessage())));
            }
        }
        return List.copyOf(reports);
    }

    private static Report ensureOne(Admin admin, String topic, Settings settings, Duration timeout) {
        Optional<TopicDescription> found = describe(admin, topic, timeout);
        if (found.isEmpty()) {
            NewTopic created = new NewTopic(topic, settings.partitions(), (short) settings.replicationFactor())
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.retentionMs()),
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime"));
            try {
                await(admin.createTopics(List.of(created)).all(), timeout, "create topic " + topic);
                awaitVisible(admin, topic, timeout);
                return new Report(topic, Change.CREATED, settings.partitions(), settings.replicationFactor(),
                        settings.retentionMs(), List.of());
            } catch (TopicAlreadyThere e) {
                // created concurrently (or just now, by an init whose brokers had not all learnt of it yet)
                found = Optional.of(awaitVisible(admin, topic, timeout));
            }
        }
        TopicDescription d = found.get();
        int partitions = d.partitions().size();
        int replication = d.partitions().isEmpty() ? 0 : d.partitions().getFirst().replicas().size();
        long retentionMs = retentionMs(admin, topic, timeout);
        List<String> updated = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        if (partitions < settings.partitions()) {
            await(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(settings.partitions()))).all(),
                    timeout, "add partitions to " + topic);
            updated.add("partitions increased " + partitions + " -> " + settings.partitions()
                    + " (keys of the new partitions' share now go there)");
            partitions = settings.partitions();
        } else if (partitions > settings.partitions()) {
            mismatches.add("has " + partitions + " partitions, configured " + settings.partitions()
                    + ": Kafka cannot remove partitions; set eventlog_partitions to " + partitions
                    + " or recreate the topic");
        }
        if (replication != settings.replicationFactor()) {
            mismatches.add("has replication factor " + replication + ", configured " + settings.replicationFactor()
                    + ": init does not reassign replicas; use kafka-reassign-partitions or set"
                    + " eventlog_replication_factor to " + replication);
        }
        if (retentionMs != settings.retentionMs()) {
            var op = new AlterConfigOp(new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG,
                    Long.toString(settings.retentionMs())), AlterConfigOp.OpType.SET);
            await(admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    List.of(op))).all(), timeout, "set retention.ms of " + topic);
            updated.add("retention.ms " + retentionMs + " -> " + settings.retentionMs());
            retentionMs = settings.retentionMs();
        }
        if (!updated.isEmpty()) {
            awaitApplied(admin, topic, partitions, retentionMs, timeout);
        }
        List<String> notes = new ArrayList<>(mismatches);
        notes.addAll(updated);
        Change change = !mismatches.isEmpty() ? Change.MISMATCH : !updated.isEmpty() ? Change.UPDATED : Change.KEPT;
        return new Report(topic, change, partitions, replication, retentionMs, notes);
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic, Duration timeout) {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw failed("describe topic " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw failed("describe topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    /**
     * Waits until the brokers describe {@code topic}: a created topic reaches the brokers' metadata a moment after
     * the controller accepted it, and a node started right after init must find it.
     */
    private static TopicDescription awaitVisible(Admin admin, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<TopicDescription> d = describe(admin, topic, timeout);
            if (d.isPresent()) {
                return d.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " was created but the brokers did not describe it"
                        + " within " + timeout.toMillis() + " ms");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
        }
    }

    /** Waits until the brokers report the partitions and retention just set (they follow the controller). */
    private static void awaitApplied(Admin admin, String topic, int partitions, long retentionMs, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<TopicDescription> d = describe(admin, topic, timeout);
            if (d.isPresent() && d.get().partitions().size() >= partitions
                    && retentionMs(admin, topic, timeout) == retentionMs) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " was updated but the brokers did not report"
                        + " the change within " + timeout.toMillis() + " ms");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
        }
    }

    private static long retentionMs(Admin admin, String topic, Duration timeout) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            var config = admin.describeConfigs(List.of(resource)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource);
            ConfigEntry entry = config.get(TopicConfig.RETENTION_MS_CONFIG);
            return entry == null || entry.value() == null ? -2 : Long.parseLong(entry.value());
        } catch (ExecutionException e) {
            throw failed("read the configuration of topic " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw failed("read the configuration of topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading topic " + topic, e);
        }
    }

    private static void await(org.apache.kafka.common.KafkaFuture<Void> f, Duration timeout, String what) {
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                throw new TopicAlreadyThere();
            }
            throw failed(what, e.getCause());
        } catch (TimeoutException e) {
            throw failed(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }

    private static IllegalStateException failed(String what, Throwable cause) {
        String why = cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException
                ? "no answer in time (are the brokers reachable?)" : KafkaEventLog.describe(cause);
        return new IllegalStateException("could not " + what + ": " + why, cause);
    }

    /** The topic was created between our describe and our create. */
    private static final class TopicAlreadyThere extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TopicAlreadyThere() {
            super(null, null, false, false);
        }
    }
}
