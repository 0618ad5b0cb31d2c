package com.m0club.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.M0Keys;
import com.m0club.signer.tls.TlsInit;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outside dev the bundler's threshold client needs its mutual-TLS files ({@code signer_tls_ca_file},
 * {@code signer_tls_cert_file}, {@code signer_tls_key_file}) and https:// agent endpoints: each gap stops the start
 * with a message naming the key; the files of {@code m0 signer tls-init} are accepted.
 */
class SignerClientTlsTest {
    private static final List<URI> HTTPS = List.of(URI.create("https://m0-signer-agent-0.m0-signer-agent:8090"));

    @TempDir
    Path dir;

    private Config config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("M0_ENV", "prod", "M0_ROLES", "bundler",
                "M0_POSTGRES_URL", "postgresql://u:p@127.0.0.1:5432/m0", "M0_SIGNER_ENDPOINT", HTTPS.getFirst()
                        .toString(), "M0_SIGNER_SET_ID", "1", "M0_QUOTE_SOURCE", "simulator"));
        env.putAll(extra);
        return M0Keys.load(env, Optional.empty());
    }

    @Test
    void withoutTheTlsFilesTheBundlerFailsNamingEveryMissingKey() {
        assertThatThrownBy(() -> NodeResources.signerClientTls(config(Map.of()), HTTPS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("signer_tls_ca_file (M0_SIGNER_TLS_CA_FILE)")
                .hasMessageContaining("signer_tls_cert_file (M0_SIGNER_TLS_CERT_FILE)")
                .hasMessageContaining("signer_tls_key_file (M0_SIGNER_TLS_KEY_FILE)");
    }

    @Test
    void aPlainHttpEndpointFailsNamingTheKey() {
        assertThatThrownBy(() -> NodeResources.signerClientTls(config(Map.of()),
                List.of(URI.create("http://m0-signer-agent-0:8090"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("signer_endpoints (M0_SIGNER_ENDPOINT)").hasMessageContaining("https://");
    }

    @Test
    void theFilesOfTlsInitAreUsedAndAMissingFileIsNamed() {
        TlsInit.create(dir, 1, "bundler", "m0-prod");
        TlsInit.Layout f = new TlsInit.Layout(dir);
        Map<String, String> tls = Map.of("M0_SIGNER_TLS_CA_FILE", f.caCert().toString(),
                "M0_SIGNER_TLS_CERT_FILE", f.clientCert("bundler").toString(),
                "M0_SIGNER_TLS_KEY_FILE", f.clientKey("bundler").toString());
        assertThat(NodeResources.signerClientTls(config(tls), HTTPS).certificate().getSubjectX500Principal()
                .getName()).contains("CN=bundler");

        Map<String, String> missing = new HashMap<>(tls);
        missing.put("M0_SIGNER_TLS_KEY_FILE", dir.resolve("absent.key").toString());
        assertThatThrownBy(() -> NodeResources.signerClientTls(config(missing), HTTPS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("absent.key");
    }
}
