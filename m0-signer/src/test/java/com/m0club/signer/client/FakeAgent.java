package com.m0club.signer.client;

import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.signer.SignerWire;
import com.m0club.signer.TestPki;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * Misbehaving agents for client tests, on real loopback HTTPS (mutual TLS, the test CA): one that answers with a well-formed but bogus
 * signature, and one that holds every sign request until released (to observe early stop without timing).
 */
final class FakeAgent implements AutoCloseable {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final WebServer server;

    private FakeAgent(WebServer server) {
        this.server = server;
    }

    /** Answers 200 with {@code key}'s public key but a signature over the wrong message. */
    static FakeAgent bogus(SigningKey key) {
        return new FakeAgent(WebServer.builder().host("127.0.0.1").port(0).useNio(true)
                .tls(TestPki.agent().serverTls(r -> { })).routing(r -> r
                .post(SignerWire.SIGN_PATH, (req, res) -> {
                    EncodedBundle b = BundleCodec.decode(read(req));
                    byte[] wrong = key.sign(b.bundleHash()); // signs the bundle hash, not the signed message
                    reply(res, b, key, wrong);
                })).build().start());
    }

    /** Blocks every sign request until {@link #release} is counted down, then signs honestly with {@code key}. */
    static FakeAgent slow(SigningKey key) {
        FakeAgent[] self = new FakeAgent[1];
        WebServer server = WebServer.builder().host("127.0.0.1").port(0).useNio(true)
                .tls(TestPki.agent().serverTls(r -> { })).routing(r -> r
                .post(SignerWire.SIGN_PATH, (req, res) -> {
                    EncodedBundle b = BundleCodec.decode(read(req));
                    self[0].entered.countDown();
                    self[0].release.await();
                    reply(res, b, key, key.sign(b.signedMessage()));
                })).build();
        self[0] = new FakeAgent(server);
        server.start();
        return self[0];
    }

    private static byte[] read(ServerRequest req) throws IOException {
        try (InputStream in = req.content().inputStream()) {
            return in.readAllBytes();
        }
    }

    private static void reply(ServerResponse res, EncodedBundle b, SigningKey key, byte[] sig) throws IOException {
        byte[] body = SignerWire.JSON.writeValueAsBytes(SignerWire.JSON.createObjectNode()
                .put(SignerWire.PUBLIC_KEY_HEX, key.publicKey().toHex())
                .put(SignerWire.SIGNATURE_HEX, java.util.HexFormat.of().formatHex(sig))
                .put(SignerWire.SIGNER_SET_ID, b.header().signerSetId())
                .put(SignerWire.SEQUENCE, b.header().sequence())
                .put(SignerWire.BUNDLE_HASH_HEX, b.bundleHash().toHex()));
        res.header(HeaderNames.CONTENT_TYPE, SignerWire.JSON_CONTENT_TYPE).send(body);
    }

    URI endpoint() {
        return URI.create("https://127.0.0.1:" + server.port());
    }

    @Override
    public void close() {
        release.countDown();
        server.stop();
    }
}
