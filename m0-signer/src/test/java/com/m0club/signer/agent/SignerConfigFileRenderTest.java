package com.m0club.signer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.protocol.registry.Market;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SigningKey;
import java.util.List;
import com.m0club.signer.Fixtures;
import com.m0club.signer.SignerWire;
import org.junit.jupiter.api.Test;

/** What {@code m0 signer-set agent-config} writes is what an agent reads back, byte-stable. */
class SignerConfigFileRenderTest {
    private static final List<SigningKey> KEYS = Fixtures.keys(3);

    @Test
    void aRenderedConfigParsesBackToTheSameSetAndMarkets() throws Exception {
        SignerSet set = Fixtures.set(7, 2, KEYS);
        List<Market> markets = Fixtures.markets();
        String json = SignerConfigFile.render(set, markets);
        SignerConfigFile parsed = SignerConfigFile.parse(SignerWire.JSON.readTree(json), "rendered");
        assertThat(parsed.signerSet()).isEqualTo(set);
        assertThat(parsed.markets()).containsExactlyElementsOf(markets);
        assertThat(SignerConfigFile.render(parsed.signerSet(), parsed.markets())).as("deterministic").isEqualTo(json);
    }
}
