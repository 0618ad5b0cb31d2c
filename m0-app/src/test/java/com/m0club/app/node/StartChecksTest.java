package com.m0club.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.engine.quant.GuardrailProfile;
import com.m0club.engine.quant.QuantConfig;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.ConfigException;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.MarketTierPolicy;
import com.m0club.runtime.config.Role;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Every key without an adapter in this build fails the start naming itself; nothing set is silently ignored. */
class StartChecksTest {

    private static Config dev(Map<String, String> env) {
        return M0Keys.load(env, Optional.empty());
    }

    @Test
    void theDevDefaultsAreSupported() {
        Config config = dev(Map.of());
        assertThat(StartChecks.problems(config, config.get(M0Keys.ROLES))).isEmpty();
        assertThat(config.get(M0Keys.ROLES)).contains(Role.SIGNER_AGENT);
    }

    @Test
    void theInProcessEventLogIsSupported() {
        Config config = dev(Map.of("M0_EVENTLOG_URL", "memory:"));
        assertThat(StartChecks.problems(config, config.get(M0Keys.ROLES))).isEmpty();
    }

    @Test
    void theRedisUrlIsSupported() {
        Config config = dev(Map.of("M0_REDIS_URL", "redis://:hunter2@cache:6379"));
        assertThat(StartChecks.problems(config, config.get(M0Keys.ROLES))).isEmpty();
    }

    @Test
    void aKafkaEventLogIsSupported() {
        Config config = dev(Map.of("M0_EVENTLOG_URL", "kafka://broker-1:9092,broker-2:9092"));
        assertThat(StartChecks.problems(config, config.get(M0Keys.ROLES))).isEmpty();
    }

    @Test
    void aNatsEventLogIsSupported() {
        Config config = dev(Map.of("M0_EVENTLOG_URL", "nats://nats-1:4222,nats-2:4222"));
        assertThat(StartChecks.problems(config, config.get(M0Keys.ROLES))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "'nats://n:4222,', 'eventlog_url (M0_EVENTLOG_URL): a NATS event log URL is nats://host:port[,host:port]'",
        "nats://n:4222/stream, 'eventlog_url (M0_EVENTLOG_URL): a NATS event log URL is nats://host:port'",
        "nats://svc:s3cret@n:4222, 'eventlog_url (M0_EVENTLOG_URL): a NATS event log URL must not carry credentials'",
        "kafka://broker-1, 'eventlog_url (M0_EVENTLOG_URL): a Kafka event log URL is kafka://host:port[,host:port]'",
        "'kafka://b:9092,', 'eventlog_url (M0_EVENTLOG_URL): a Kafka event log URL must list host:port entries'",
        "kafka://b:9092/topic, 'eventlog_url (M0_EVENTLOG_URL): a Kafka event log URL names brokers only'",
        "memory://x, 'eventlog_url (M0_EVENTLOG_URL): the in-process event log is memory: (no location)'",
    })
    void aMalformedEventLogUrlFailsTheStartNamingTheKeyAndTheRule(String url, String message) {
        Config config = dev(Map.of("M0_EVENTLOG_URL", url));
        assertThat(StartChecks.problems(config, config.get(M0Keys.ROLES))).singleElement().asString()
                .startsWith(message);
    }

    @ParameterizedTest
    @CsvSource({
        "M0_EVENTLOG_URL, pulsar://127.0.0.1:6650, 'eventlog_url (M0_EVENTLOG_URL): scheme pulsar: is not supported yet'",
        "SOLANA_RPC_URL, https://rpc.example, 'solana_rpc_url (SOLANA_RPC_URL) is not supported yet'",
        "SOLANA_WS_URL, wss://rpc.example, 'solana_ws_url (SOLANA_WS_URL) is not supported yet'",
    })
    void aKeyWithoutItsAdapterFailsTheStartNamingTheKey(String env, String value, String message) {
        Config config = dev(Map.of(env, value));
        assertThatThrownBy(() -> StartChecks.requireSupported(config, config.get(M0Keys.ROLES)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void secretsAreNotEchoed() {
        Config config = dev(Map.of("SOLANA_RPC_URL", "https://u:hunter2@rpc.example",
                "M0_EVENTLOG_URL", "kafka://svc:topsecret@broker:9092"));
        assertThatThrownBy(() -> StartChecks.requireSupported(config, config.get(M0Keys.ROLES)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2))
                .message().doesNotContain("hunter2").doesNotContain("topsecret");
    }

    @Test
    void aSignerAgentRoleOutsideDevFailsNamingTheProgramToRun() {
        Map<String, String> env = new HashMap<>();
        env.put("M0_ENV", "staging");
        env.put("M0_ROLES", "bundler,signer-agent");
        env.put("M0_POSTGRES_URL", "postgresql://127.0.0.1:5432/test");
        env.put("M0_SIGNER_ENDPOINT", "https://signer-0:7443");
        env.put("M0_SIGNER_SET_ID", "1");
        Config config = M0Keys.load(env, Optional.empty());
        assertThat(StartChecks.problems(config, config.get(M0Keys.ROLES))).singleElement().asString()
                .startsWith("roles (M0_ROLES): signer-agent does not run inside a node outside dev")
                .contains("SignerAgentMain");
    }

    @Test
    void aRoleThatDoesNothingIsNotAccepted() {
        assertThatThrownBy(() -> dev(Map.of("M0_ROLES", "quant,backtest-runner")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("roles (from ENV M0_ROLES)");
    }

    @ParameterizedTest
    @EnumSource(MarketTierPolicy.class)
    void everyTierPolicyTakesEffectAsItsGuardrailProfile(MarketTierPolicy policy) {
        QuantConfig config = OracleNode.quantConfig(dev(Map.of("M0_MARKET_TIER_POLICY", policy.name())));
        assertThat(config).isEqualTo(GuardrailProfile.valueOf(policy.name()).config());
    }

    @Test
    void strictPolicyChangesTheQuantThresholds() {
        assertThat(OracleNode.quantConfig(dev(Map.of("M0_MARKET_TIER_POLICY", "STRICT"))).divergenceBlock())
                .isLessThan(OracleNode.quantConfig(dev(Map.of())).divergenceBlock());
    }
}
