package com.m0club.api.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.api.json.Json;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.MerkleProof;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.QuorumCheck;
import com.m0club.protocol.sign.QuorumVerifier;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SignerSignature;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Verifies one served market value the way an outsider would: with the protocol's own codec, hashes and signature
 * check (m0-protocol only), trusting nothing the API says about validity. This is the logic behind
 * {@code m0 verify --url URL --market ID}; docs/api.md describes the algorithm step by step.
 *
 * <ol>
 *   <li>item: {@code item_hex} decodes strictly and says exactly what the response serves;</li>
 *   <li>header: {@code header_hex} decodes strictly and names the served signer set and sequence;</li>
 *   <li>inclusion: {@code H(LEAF, item)} folded with the merkle path leads to {@code bundle_hash};</li>
 *   <li>signatures: at least m valid signatures from distinct keys of the signer set (fetched separately) over
 *       {@code H(SIG, set || sequence || bundle_hash)}; keys outside the set are ignored and reported;</li>
 *   <li>threshold: the proof's threshold is the signer set's.</li>
 * </ol>
 *
 * Every check runs even when an earlier one failed (where its inputs allow), so a report shows every problem at once.
 * The verifier has no side effects beyond its HTTP GETs and never throws for a bad document: it reports.
 */
public final class OfflineVerifier {
    private final HttpClient http;
    private final Duration requestTimeout;

    /** @param requestTimeout per request; the CLI uses a few seconds */
    public OfflineVerifier(HttpClient http, Duration requestTimeout) {
        this.http = Objects.requireNonNull(http, "http");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** Fetches {@code /v1/markets/{id}/latest}, then the signer set it names, and verifies. */
    public VerificationReport verify(URI baseUrl, MarketId market) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        String subject = market + " at " + base;
        JsonNode latest;
        JsonNode signerSet;
        try {
            latest = get(URI.create(base + "/v1/markets/" + market.value() + "/latest"));
            long setId = new Document(latest, "").child("proof").integer("signer_set_id");
            signerSet = get(URI.create(base + "/v1/signer-sets/" + setId));
        } catch (FetchFailed | Document.Malformed e) {
            return new VerificationReport(subject, List.of(new CheckResult.Failed(Check.FETCH, e.getMessage())),
                    List.of());
        }
        return verify(subject, Optional.of(market), latest, signerSet);
    }

    /** Verifies already-fetched documents: the body of {@code /latest} and of {@code /v1/signer-sets/{id}}. */
    public VerificationReport verify(JsonNode latest, JsonNode signerSet) {
        String subject = latest != null && latest.hasNonNull("market_id") ? latest.get("market_id").asText()
                : "a served value";
        return verify(subject, Optional.empty(), latest, signerSet);
    }

    private VerificationReport verify(String subject, Optional<MarketId> requested, JsonNode latestJson,
            JsonNode signerSetJson) {
        Document latest = new Document(latestJson, "");
        Document set = new Document(signerSetJson, "signer_set.");
        List<CheckResult> checks = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        checks.add(run(Check.ITEM, () -> checkItem(requested, latest)));
        Optional<BundleHeader> header = decodeHeader(latest);
        checks.add(run(Check.HEADER, () -> checkHeader(latest, header)));
        checks.add(run(Check.INCLUSION, () -> checkInclusion(latest)));
        ParsedSignerSet signerSet = ParsedSignerSet.of(set);
        checks.add(run(Check.SIGNATURES, () -> checkSignatures(latest, header, signerSet)));
        checks.add(run(Check.THRESHOLD, () -> checkThreshold(latest, signerSet)));

        ledgerNote(latest).ifPresent(notes::add);
        signerSet.set().filter(s -> s.status() != SignerSetStatus.ACTIVE)
                .ifPresent(s -> notes.add("signer set " + s.id() + " is " + s.status()
                        + " (a value signed by it stays valid; newer values are signed by its successor)"));
        return new VerificationReport(subject, checks, notes);
    }

    // ------------------------------------------------------------------ checks

    private static CheckResult checkItem(Optional<MarketId> requested, Document latest) {
        Document proof = latest.child("proof");
        BundleItem item;
        try {
            item = BundleCodec.decodeItem(proof.hex("item_hex"));
        } catch (ProtocolException e) {
            return new CheckResult.Failed(Check.ITEM, "item_hex does not decode strictly: " + e.getMessage());
        }
        List<String> mismatches = new ArrayList<>();
        requested.filter(m -> !m.equals(item.marketId())).ifPresent(m -> mismatches.add(
                "asked for market " + m + " but item_hex is of market " + item.marketId()));
        compare(mismatches, "market_id", latest.text("market_id"), item.marketId().value());
        compare(mismatches, "epoch_id", latest.integer("epoch_id"), item.epochId());
        compare(mismatches, "tick", latest.integer("tick"), item.tick());
        compare(mismatches, "window_start_ms", latest.integer("window_start_ms"), item.windowStartMs());
        compare(mismatches, "window_end_ms", latest.integer("window_end_ms"), item.windowEndMs());
        compare(mismatches, "ci_level_bps", latest.integer("ci_level_bps"), item.ciLevelBps());
        compare(mismatches, "risk_score", latest.integer("risk_score"), item.riskScoreBps());
        if (latest.has("quality_flags_bits")) {
            compare(mismatches, "quality_flags_bits", latest.integer("quality_flags_bits"), item.qualityFlags());
        }
        List<String> flagNames = new ArrayList<>();
        for (JsonNode f : latest.array("quality_flags")) {
            flagNames.add(f.asText());
        }
        compare(mismatches, "quality_flags", flagNames,
                QualityFlag.decode(item.qualityFlags()).stream().map(Enum::name).toList());
        compare(mismatches, "model_id", latest.text("model_id"), item.model().modelId());
        compare(mismatches, "model_version", latest.text("model_version"), item.model().modelVersion());
        compareOptionalHash(mismatches, latest, "calibration_hash_hex", item.calibrationHash());
        compareOptionalHash(mismatches, latest, "features_hash_hex", item.featuresHash());
        compareDistribution(mismatches, latest.array("distribution"), item.distribution().outcomes());
        if (!mismatches.isEmpty()) {
            return new CheckResult.Failed(Check.ITEM,
                    "the served value does not match item_hex: " + String.join("; ", mismatches));
        }
        return new CheckResult.Passed(Check.ITEM, "item_hex decodes to market " + item.marketId() + " epoch "
                + item.epochId() + " tick " + item.tick() + " with " + item.distribution().size()
                + " outcomes, exactly as served");
    }

    private static CheckResult checkHeader(Document latest, Optional<BundleHeader> decoded) {
        Document proof = latest.child("proof");
        BundleHeader header;
        try {
            header = decoded.orElseGet(() -> BundleCodec.decodeHeader(proof.hex("header_hex")));
        } catch (ProtocolException e) {
            return new CheckResult.Failed(Check.HEADER, "header_hex does not decode strictly: " + e.getMessage());
        }
        List<String> mismatches = new ArrayList<>();
        compare(mismatches, "proof.signer_set_id", proof.integer("signer_set_id"), header.signerSetId(),
                "header_hex");
        compare(mismatches, "proof.sequence", proof.integer("sequence"), header.sequence(), "header_hex");
        if (latest.has("produced_at_ms")) {
            compare(mismatches, "produced_at_ms", latest.integer("produced_at_ms"), header.producedAtMs(),
                    "header_hex");
        }
        if (!mismatches.isEmpty()) {
            return new CheckResult.Failed(Check.HEADER,
                    "the proof does not match header_hex: " + String.join("; ", mismatches));
        }
        return new CheckResult.Passed(Check.HEADER, "header_hex names signer set " + header.signerSetId()
                + ", sequence " + header.sequence() + ", round [" + header.roundStartMs() + ", "
                + header.roundEndMs() + ")");
    }

    private static CheckResult checkInclusion(Document latest) {
        Document proof = latest.child("proof");
        byte[] item = proof.hex("item_hex");
        byte[] header = proof.hex("header_hex");
        Hash32 bundleHash = hash("proof.bundle_hash_hex", proof.text("bundle_hash_hex"));
        int leafIndex = proof.smallInteger("leaf_index");
        int leafCount = proof.smallInteger("leaf_count");
        List<Hash32> path = new ArrayList<>();
        JsonNode pathJson = proof.array("path_hex");
        for (int i = 0; i < pathJson.size(); i++) {
            path.add(hash("proof.path_hex[" + i + "]", pathJson.get(i).asText()));
        }
        MerkleProof merkle;
        try {
            merkle = new MerkleProof(leafIndex, leafCount, path);
        } catch (ProtocolException e) {
            return new CheckResult.Failed(Check.INCLUSION, "the merkle proof is malformed: " + e.getMessage());
        }
        if (!EncodedBundle.verifyInclusion(item, merkle, header, bundleHash)) {
            Hash32 reached = EncodedBundle.bundleHash(header, leafCount,
                    merkle.computeTop(EncodedBundle.leafHash(item)));
            return new CheckResult.Failed(Check.INCLUSION, "merkle path does not lead to bundle_hash "
                    + abbrev(bundleHash) + ": leaf " + leafIndex + " of " + leafCount + " (the path leads to "
                    + abbrev(reached) + ")");
        }
        return new CheckResult.Passed(Check.INCLUSION, "leaf " + leafIndex + " of " + leafCount
                + " leads to bundle_hash " + abbrev(bundleHash) + " through " + path.size() + " path hashes");
    }

    private static CheckResult checkSignatures(Document latest, Optional<BundleHeader> header,
            ParsedSignerSet parsedSet) {
        Document proof = latest.child("proof");
        if (parsedSet.set().isEmpty()) {
            return parsedSet.unusable(Check.SIGNATURES);
        }
        SignerSet set = parsedSet.set().get();
        long setId = header.map(BundleHeader::signerSetId).orElseGet(() -> proof.integer("signer_set_id"));
        long sequence = header.map(BundleHeader::sequence).orElseGet(() -> proof.integer("sequence"));
        Hash32 bundleHash = hash("proof.bundle_hash_hex", proof.text("bundle_hash_hex"));
        List<SignerSignature> signatures = new ArrayList<>();
        JsonNode sigs = proof.array("signatures");
        for (int i = 0; i < sigs.size(); i++) {
            Document s = new Document(sigs.get(i), "proof.signatures[" + i + "].");
            try {
                signatures.add(SignerSignature.fromHex(s.text("public_key_hex"), s.text("signature_hex")));
            } catch (ProtocolException e) {
                return new CheckResult.Failed(Check.SIGNATURES, "proof.signatures[" + i + "]: " + e.getMessage());
            }
        }
        List<String> ignored = new ArrayList<>();
        for (SignerSignature s : signatures) {
            if (!set.contains(s.key())) {
                ignored.add("signature by key " + abbrev(s.key().toHex()) + " ignored: not in signer set " + set.id());
            }
        }
        String ignoredNote = ignored.isEmpty() ? "" : "; " + String.join("; ", ignored);
        QuorumCheck quorum = QuorumVerifier.verify(set, setId, sequence, bundleHash, signatures);
        return switch (quorum) {
            case QuorumCheck.Passed p -> new CheckResult.Passed(Check.SIGNATURES, p.validKeys().size()
                    + " valid signatures from distinct keys of signer set " + set.id() + " (threshold "
                    + set.threshold() + " of " + set.size() + ") over sequence " + sequence + " and bundle_hash "
                    + abbrev(bundleHash) + ignoredNote);
            case QuorumCheck.Failed f -> new CheckResult.Failed(Check.SIGNATURES,
                    (f.reason() == QuorumCheck.Reason.BELOW_THRESHOLD ? "not enough signatures: " : "")
                            + f.detail() + ignoredNote);
        };
    }

    private static CheckResult checkThreshold(Document latest, ParsedSignerSet parsedSet) {
        Document proof = latest.child("proof");
        long claimed = proof.integer("threshold");
        if (parsedSet.set().isEmpty()) {
            return parsedSet.unusable(Check.THRESHOLD);
        }
        SignerSet set = parsedSet.set().get();
        long named = proof.integer("signer_set_id");
        if (named != set.id()) {
            return new CheckResult.Failed(Check.THRESHOLD,
                    "the proof names signer set " + named + " but the signer set document is set " + set.id());
        }
        if (claimed != set.threshold()) {
            return new CheckResult.Failed(Check.THRESHOLD, "the proof claims threshold " + claimed
                    + " but signer set " + set.id() + " requires " + set.threshold());
        }
        return new CheckResult.Passed(Check.THRESHOLD,
                "the proof's threshold " + claimed + " is signer set " + set.id() + "'s");
    }

    // ------------------------------------------------------------------ helpers

    /** Runs one check; a malformed document or a protocol rule failing becomes the check's reason. */
    private static CheckResult run(Check check, Supplier<CheckResult> body) {
        try {
            return body.get();
        } catch (Document.Malformed e) {
            return new CheckResult.Failed(check, e.getMessage());
        } catch (ProtocolException e) {
            return new CheckResult.Failed(check, e.getMessage());
        }
    }

    private static Optional<BundleHeader> decodeHeader(Document latest) {
        try {
            return Optional.of(BundleCodec.decodeHeader(latest.child("proof").hex("header_hex")));
        } catch (ProtocolException | Document.Malformed e) {
            return Optional.empty();
        }
    }

    /** The signer set document, parsed once: the set, or why it is unusable (for every check that needs it). */
    private record ParsedSignerSet(Optional<SignerSet> set, String problem) {
        static ParsedSignerSet of(Document doc) {
            try {
                return new ParsedSignerSet(Optional.of(signerSet(doc)), "");
            } catch (ProtocolException | Document.Malformed e) {
                return new ParsedSignerSet(Optional.empty(), e.getMessage());
            }
        }

        CheckResult.Failed unusable(Check check) {
            return new CheckResult.Failed(check, "the signer set is unusable: " + problem);
        }
    }

    /** The canonical constructor checks distinct keys in canonical order and {@code 1 <= m <= n}. */
    private static SignerSet signerSet(Document set) {
        List<SignerKey> keys = new ArrayList<>();
        JsonNode keysJson = set.array("public_keys_hex");
        for (int i = 0; i < keysJson.size(); i++) {
            keys.add(SignerKey.of(Document.parseHex("signer_set.public_keys_hex[" + i + "]",
                    keysJson.get(i).asText())));
        }
        return new SignerSet(set.integer("signer_set_id"), set.smallInteger("threshold"), keys,
                status(set.text("status")), set.integer("activation_ms"));
    }

    private static SignerSetStatus status(String name) {
        for (SignerSetStatus s : SignerSetStatus.values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new Document.Malformed("signer_set.status must be one of PENDING, ACTIVE, RETIRED, got " + name);
    }

    private static Optional<String> ledgerNote(Document latest) {
        try {
            Document ledger = latest.child("ledger");
            String status = ledger.text("status");
            StringBuilder sb = new StringBuilder("the API says the ledger holds this value as ").append(status)
                    .append(" (commit slot ").append(ledger.integer("commit_slot")).append(", reveal slot ")
                    .append(ledger.integer("reveal_slot"));
            if (ledger.has("finalized_slot")) {
                sb.append(", finalized slot ").append(ledger.integer("finalized_slot"));
            }
            return Optional.of(sb.append("); offline verification does not query the ledger").toString());
        } catch (Document.Malformed e) {
            return Optional.of("no usable ledger object: " + e.getMessage());
        }
    }

    private static void compare(List<String> out, String field, long served, long inItem) {
        compare(out, field, served, inItem, "item_hex");
    }

    private static void compare(List<String> out, String field, long served, long decoded, String source) {
        if (served != decoded) {
            out.add(field + " is served as " + served + " but " + source + " says " + decoded);
        }
    }

    private static void compare(List<String> out, String field, String served, String inItem) {
        if (!served.equals(inItem)) {
            out.add(field + " is served as " + served + " but item_hex says " + inItem);
        }
    }

    private static void compare(List<String> out, String field, List<String> served, List<String> inItem) {
        if (!served.equals(inItem)) {
            out.add(field + " is served as " + served + " but item_hex says " + inItem);
        }
    }

    private static void compareOptionalHash(List<String> out, Document latest, String field,
            Optional<Hash32> inItem) {
        Optional<String> served = latest.optionalText(field);
        String s = served.orElse("null");
        String i = inItem.map(Hash32::toHex).orElse("null");
        if (!s.equalsIgnoreCase(i)) {
            out.add(field + " is served as " + s + " but item_hex says " + i);
        }
    }

    private static void compareDistribution(List<String> out, JsonNode served, List<OutcomeProbability> item) {
        if (served.size() != item.size()) {
            out.add("distribution has " + served.size() + " outcomes served but " + item.size() + " in item_hex");
            return;
        }
        for (int i = 0; i < item.size(); i++) {
            OutcomeProbability o = item.get(i);
            Document d = new Document(served.get(i), "distribution[" + i + "].");
            String at = "distribution[" + i + "]";
            compare(out, at + ".outcome", d.text("outcome"), o.outcome().value());
            compare(out, at + ".p", d.integer("p"), o.p());
            compare(out, at + ".ci_low", d.integer("ci_low"), o.ciLow());
            compare(out, at + ".ci_high", d.integer("ci_high"), o.ciHigh());
            compareDecimal(out, d, at, "p_decimal", o.p());
            compareDecimal(out, d, at, "ci_low_decimal", o.ciLow());
            compareDecimal(out, d, at, "ci_high_decimal", o.ciHigh());
        }
    }

    /** The human-readable decimals must say the same number as the hashed integer (exactly: value / 10^9). */
    private static void compareDecimal(List<String> out, Document d, String at, String field, long fixed) {
        if (!d.has(field)) {
            return;
        }
        String served = d.text(field);
        BigDecimal expected = BigDecimal.valueOf(fixed, 9);
        boolean same;
        try {
            same = new BigDecimal(served).compareTo(expected) == 0;
        } catch (NumberFormatException e) {
            same = false;
        }
        if (!same) {
            out.add(at + "." + field + " is served as " + served + " but item_hex says " + expected.toPlainString());
        }
    }

    private static Hash32 hash(String field, String hex) {
        return Hash32.fromHex(field, hex);
    }

    private static String abbrev(Hash32 h) {
        return abbrev(h.toHex());
    }

    private static String abbrev(String hex) {
        return hex.length() <= 16 ? hex : hex.substring(0, 16) + "..";
    }

    private JsonNode get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new FetchFailed("GET " + uri + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchFailed("GET " + uri + " was interrupted");
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new FetchFailed("GET " + uri + " returned " + response.statusCode() + " with a body that is not JSON");
        }
        if (response.statusCode() != 200) {
            String detail = body != null && body.hasNonNull("error")
                    ? body.get("error").asText() + ": " + body.path("message").asText()
                    : "no error body";
            throw new FetchFailed("GET " + uri + " returned " + response.statusCode() + " (" + detail + ")");
        }
        return body;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** A document could not be fetched; the report's only result is a failed {@link Check#FETCH}. */
    private static final class FetchFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FetchFailed(String message) {
            super(message, null, false, false);
        }
    }
}
