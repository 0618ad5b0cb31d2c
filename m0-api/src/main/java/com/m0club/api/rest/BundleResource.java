package com.m0club.api.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.api.json.Json;
import com.m0club.protocol.hash.Hash32;
import com.m0club.view.BundleRecord;
import com.m0club.view.OracleReadModel;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /v1/bundles/{hash}}: a bundle's identity, bytes and publish history. */
final class BundleResource {
    private final OracleReadModel model;

    BundleResource(OracleReadModel model) {
        this.model = model;
    }

    void one(ServerRequest req, ServerResponse res) {
        Hash32 hash = Hash32.fromHex("bundle_hash", req.path().pathParameters().get("hash"));
        BundleRecord b = model.bundle(hash)
                .orElseThrow(() -> new ApiException(ApiError.notFound("bundle " + hash.toHex() + " is not known")));
        Responses.json(res, json(b));
    }

    static ObjectNode json(BundleRecord b) {
        ObjectNode n = Json.object();
        n.put("bundle_hash_hex", b.bundleHash().toHex());
        n.put("signer_set_id", b.signerSetId());
        n.put("sequence", b.sequence());
        n.put("round_start_ms", b.roundStartMs());
        n.put("round_end_ms", b.roundEndMs());
        n.put("item_count", b.itemCount());
        n.put("status", b.status().name());
        ArrayNode transitions = n.putArray("transitions");
        for (BundleRecord.Transition t : b.transitions()) {
            ObjectNode tn = transitions.addObject();
            tn.put("status", t.status().name());
            tn.put("at_ms", t.atMs());
            Json.putOrNull(tn, "reason", t.reason());
        }
        Json.putOrNull(n, "commit_hash_hex", b.commitHash().map(Hash32::toHex));
        Json.putOrNull(n, "problem", b.problem());
        n.put("bundle_hex", Json.hex(b.bundleBytes()));
        Json.putOrNull(n, "signed_bundle_hex", b.signedBundleBytes().map(Json::hex));
        return n;
    }
}
