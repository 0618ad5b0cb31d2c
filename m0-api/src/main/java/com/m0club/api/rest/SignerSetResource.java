package com.m0club.api.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.api.json.Json;
import com.m0club.protocol.Checks;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.view.OracleReadModel;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /v1/signer-sets/{id}}: the keys and threshold a verifier checks signatures against. */
final class SignerSetResource {
    private final OracleReadModel model;

    SignerSetResource(OracleReadModel model) {
        this.model = model;
    }

    void one(ServerRequest req, ServerResponse res) {
        long id = signerSetId(req.path().pathParameters().get("id"));
        SignerSet set = model.signerSet(id)
                .orElseThrow(() -> new ApiException(ApiError.notFound("signer set " + id + " is not known")));
        Responses.json(res, json(set));
    }

    static ObjectNode json(SignerSet set) {
        ObjectNode n = Json.object();
        n.put("signer_set_id", set.id());
        n.put("threshold", set.threshold());
        ArrayNode keys = n.putArray("public_keys_hex");
        for (SignerKey k : set.keys()) {
            keys.add(k.toHex());
        }
        n.put("status", set.status().name());
        n.put("activation_ms", set.activationMs());
        return n;
    }

    /** A decimal u32, as the protocol's {@code signer_set_id}. */
    static long signerSetId(String raw) {
        if (raw.length() > 10 || !DecimalParameter.isDigits(raw)) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, "signer_set_id",
                    "must be a decimal u32 (0..4294967295), got \"" + DecimalParameter.printable(raw) + "\"");
        }
        return Checks.u32("signer_set_id", Long.parseLong(raw));
    }
}
