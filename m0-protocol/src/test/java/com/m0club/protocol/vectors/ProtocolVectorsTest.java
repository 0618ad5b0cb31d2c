package com.m0club.protocol.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.Distribution.DoubleOutcome;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.HashTag;
import com.m0club.protocol.hash.MerkleProof;
import com.m0club.protocol.hash.TaggedHash;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.sign.Commitment;
import com.m0club.protocol.sign.QuorumCheck;
import com.m0club.protocol.sign.QuorumVerifier;
import com.m0club.protocol.sign.SignedMessage;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.protocol.time.EpochSchedule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the published vectors in {@code docs/protocol-vectors.json} against this implementation. It regenerates
 * nothing: every expected value is read from the file and recomputed by the production code. One test compares the
 * file with what {@link VectorGenerator} would write now, so that a change of format shows up as a failing test and a
 * reviewable diff rather than as silently rewritten vectors.
 */
class ProtocolVectorsTest {
    static final Path FILE = Path.of("..", "docs", "protocol-vectors.json");
    static final HexFormat HEX = HexFormat.of();

    /** Reject vectors the file must keep (the cases docs/protocol.md promises a conforming decoder refuses). */
    static final List<String> REQUIRED_REJECTS = List.of(
            "header_version_unknown", "item_version_unknown", "items_out_of_order", "duplicate_market",
            "outcomes_out_of_order", "duplicate_outcome", "sum_below_s", "sum_above_s", "ci_low_above_p",
            "ci_high_below_p", "trailing_byte", "truncated_last_byte", "truncated_header", "empty_input",
            "bad_presence_byte", "reserved_quality_flag_bit_12", "zero_items", "signatures_out_of_order",
            "signatures_duplicate_key", "u64_above_2p63_minus_1", "market_id_lowercase", "epoch_id_inconsistent");

    static String content;
    static JsonNode root;
    static final Map<String, JsonNode> bundlesByName = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        assertTrue(Files.isRegularFile(FILE), "missing " + FILE.toAbsolutePath().normalize()
                + "; generate it with VectorGenerator (see docs/protocol.md, 'Test vectors')");
        content = Files.readString(FILE, StandardCharsets.UTF_8);
        root = new ObjectMapper().readTree(content);
        for (JsonNode v : root.get("vectors")) {
            if (v.get("kind").asText().equals("bundle")) {
                bundlesByName.put(v.get("name").asText(), v);
            }
        }
    }

    @Test
    void fileIsWhatTheGeneratorWritesNow() {
        String expected = VectorGenerator.buildJson();
        String actual = content.replace("\r\n", "\n");
        if (!expected.equals(actual)) {
            String[] e = expected.split("\n", -1);
            String[] a = actual.split("\n", -1);
            int line = 0;
            while (line < Math.min(e.length, a.length) && e[line].equals(a[line])) {
                line++;
            }
            fail("docs/protocol-vectors.json differs from what VectorGenerator builds now (first difference at line "
                    + (line + 1) + ":\n  file:      " + (line < a.length ? a[line] : "<end>") + "\n  generator: "
                    + (line < e.length ? e[line] : "<end>") + ")\nA protocol or format change: regenerate with"
                    + " VectorGenerator and review the diff (and docs/protocol.md) before committing.");
        }
    }

    @Test
    void fileIsComplete() {
        assertEquals(1, root.get("version").asInt(), "vectors file version");
        assertTrue(root.get("description").asText().length() > 20, "description");
        Map<String, Integer> kinds = new TreeMap<>();
        Set<String> names = new HashSet<>();
        Set<String> emptyInputTags = new HashSet<>();
        Set<String> rejectNames = new HashSet<>();
        Set<String> rejectDecoders = new HashSet<>();
        List<Integer> bundleSizes = new ArrayList<>();
        boolean promotedProof = false;
        boolean proofOf64 = false;
        boolean distributionError = false;
        for (JsonNode v : root.get("vectors")) {
            String kind = v.get("kind").asText();
            kinds.merge(kind, 1, Integer::sum);
            assertTrue(names.add(kind + ":" + v.get("name").asText()), "duplicate vector " + v.get("name"));
            switch (kind) {
                case "tagged_hash" -> {
                    if (v.get("input_hex").asText().isEmpty()) {
                        emptyInputTags.add(v.get("tag").asText());
                    }
                }
                case "bundle" -> bundleSizes.add(v.get("items_hex").size());
                case "merkle_proof" -> {
                    int index = v.get("leaf_index").asInt();
                    int count = v.get("leaf_count").asInt();
                    promotedProof |= count % 2 == 1 && count >= 5 && index == count - 1;
                    proofOf64 |= count == 64;
                }
                case "reject" -> {
                    rejectNames.add(v.get("name").asText());
                    rejectDecoders.add(v.get("decoder").asText());
                }
                case "distribution" -> distributionError |= v.has("error_code");
                default -> { }
            }
        }
        for (String kind : List.of("signer_key", "tagged_hash", "bundle", "merkle_proof", "distribution", "epoch",
                "reject")) {
            assertTrue(kinds.getOrDefault(kind, 0) > 0, "no vectors of kind " + kind + " (have " + kinds + ")");
        }
        for (HashTag tag : HashTag.values()) {
            assertTrue(emptyInputTags.contains(tag.ascii()), "no empty-input tagged_hash vector for " + tag.ascii());
        }
        assertTrue(bundleSizes.contains(1), "no 1-item bundle vector: " + bundleSizes);
        assertTrue(bundleSizes.stream().anyMatch(n -> n >= 5 && n % 2 == 1), "no odd bundle >= 5 items: "
                + bundleSizes);
        assertTrue(bundleSizes.contains(64), "no 64-item bundle vector: " + bundleSizes);
        assertTrue(promotedProof, "no merkle proof of the promoted last leaf of an odd bundle");
        assertTrue(proofOf64, "no merkle proof in the 64-item bundle");
        assertTrue(distributionError, "no distribution error vector");
        assertTrue(rejectNames.containsAll(REQUIRED_REJECTS), "missing reject vectors: "
                + REQUIRED_REJECTS.stream().filter(n -> !rejectNames.contains(n)).toList());
        assertEquals(Set.of("bundle", "signed_bundle", "item"), rejectDecoders, "reject decoders");
    }

    @TestFactory
    Stream<DynamicTest> everyVector() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : root.get("vectors")) {
            String kind = v.get("kind").asText();
            Consumer<JsonNode> check = switch (kind) {
                case "signer_key" -> ProtocolVectorsTest::checkSignerKey;
                case "tagged_hash" -> ProtocolVectorsTest::checkTaggedHash;
                case "bundle" -> ProtocolVectorsTest::checkBundle;
                case "merkle_proof" -> ProtocolVectorsTest::checkMerkleProof;
                case "distribution" -> ProtocolVectorsTest::checkDistribution;
                case "epoch" -> ProtocolVectorsTest::checkEpoch;
                case "reject" -> ProtocolVectorsTest::checkReject;
                default -> x -> fail("unknown vector kind " + kind);
            };
            tests.add(DynamicTest.dynamicTest(kind + " " + v.get("name").asText(), () -> check.accept(v)));
        }
        return tests.stream();
    }

    // ------------------------------------------------------------------------------------------------ checks

    static void checkSignerKey(JsonNode v) {
        byte[] seed = hex(v, "seed_hex");
        String derivation = v.get("seed_derivation").asText();
        String preimage = derivation.substring(derivation.indexOf('"') + 1, derivation.lastIndexOf('"'));
        assertArrayEquals(sha256(preimage.getBytes(StandardCharsets.US_ASCII)), seed, "seed derivation");
        assertEquals(v.get("public_key_hex").asText(), SigningKey.fromSeed(seed).publicKey().toHex(), "public key");
    }

    static void checkTaggedHash(JsonNode v) {
        HashTag tag = tag(v.get("tag").asText());
        assertEquals(v.get("expected_hex").asText(), TaggedHash.of(tag, hex(v, "input_hex")).toHex());
    }

    static void checkBundle(JsonNode v) {
        byte[] bytes = hex(v, "bundle_hex");
        EncodedBundle b = BundleCodec.decode(bytes);
        assertArrayEquals(bytes, EncodedBundle.of(b.bundle()).bytes(), "re-encoding is byte-identical");
        assertArrayEquals(bytes, BundleCodec.encode(b.bundle()), "BundleCodec.encode");
        assertEquals(v.get("item_count").asInt(), b.itemCount(), "item_count");
        assertEquals(v.get("header_hex").asText(), HEX.formatHex(b.headerBytes()), "header bytes");
        assertEquals(b.header(), BundleCodec.decodeHeader(hex(v, "header_hex")), "header decodes alone");
        JsonNode items = v.get("items_hex");
        JsonNode leaves = v.get("leaf_hashes_hex");
        assertEquals(b.itemCount(), items.size(), "items_hex count");
        assertEquals(b.itemCount(), leaves.size(), "leaf_hashes_hex count");
        for (int i = 0; i < b.itemCount(); i++) {
            assertEquals(items.get(i).asText(), HEX.formatHex(b.itemBytes(i)), "item " + i + " bytes");
            assertEquals(b.bundle().items().get(i), BundleCodec.decodeItem(HEX.parseHex(items.get(i).asText())),
                    "item " + i + " decodes alone");
            assertEquals(leaves.get(i).asText(), b.leaf(i).toHex(), "leaf " + i);
            assertEquals(leaves.get(i).asText(), TaggedHash.of(HashTag.LEAF, b.itemBytes(i)).toHex(), "leaf " + i);
        }
        assertEquals(v.get("merkle_top_hex").asText(), b.merkleTop().toHex(), "merkle top");
        Hash32 bundleHash = Hash32.fromHex("bundle_hash_hex", v.get("bundle_hash_hex").asText());
        assertEquals(bundleHash, b.bundleHash(), "bundle hash");
        assertEquals(bundleHash, TaggedHash.of(HashTag.BUNDLE, hex(v, "bundle_hash_preimage_hex")),
                "bundle hash preimage");
        assertEquals(bundleHash, EncodedBundle.bundleHash(b.headerBytes(), b.itemCount(), b.merkleTop()),
                "EncodedBundle.bundleHash");

        long setId = v.get("signer_set_id").asLong();
        long sequence = v.get("sequence").asLong();
        assertEquals(setId, b.header().signerSetId(), "signer_set_id");
        assertEquals(sequence, b.header().sequence(), "sequence");
        assertEquals(v.get("message_preimage_hex").asText(),
                HEX.formatHex(SignedMessage.preimage(setId, sequence, bundleHash)), "message preimage");
        Hash32 message = Hash32.fromHex("message_hex", v.get("message_hex").asText());
        assertEquals(message, b.signedMessage(), "signed message");
        assertEquals(message, SignedMessage.digest(setId, sequence, bundleHash), "SignedMessage.digest");

        List<SignerSignature> sigs = new ArrayList<>();
        for (JsonNode s : v.get("signatures")) {
            SignerSignature sig = SignerSignature.fromHex(s.get("public_key_hex").asText(),
                    s.get("signature_hex").asText());
            assertTrue(sig.verifies(message), "signature by " + sig.key() + " verifies");
            sigs.add(sig);
        }
        List<SignerKey> setKeys = new ArrayList<>();
        v.get("signer_set_public_keys_hex").forEach(k -> setKeys.add(SignerKey.fromHex(k.asText())));
        int threshold = v.get("threshold").asInt();
        SignerSet set = SignerSet.builder().id(setId).threshold(threshold).keys(setKeys)
                .status(SignerSetStatus.ACTIVE).build();
        assertTrue(sigs.size() >= threshold, "at least threshold signatures listed");
        QuorumCheck quorum = QuorumVerifier.verify(set, setId, sequence, bundleHash, sigs);
        assertTrue(quorum.passed(), "quorum: " + quorum);
        assertEquals(sigs.size(), ((QuorumCheck.Passed) quorum).validKeys().size(), "every listed signature counts");
        assertFalse(QuorumVerifier.verify(set, setId, sequence, bundleHash, sigs.subList(0, threshold - 1)).passed(),
                "threshold - 1 signatures do not pass");
        assertFalse(QuorumVerifier.verify(set, setId, sequence + 1, bundleHash, sigs).passed(),
                "the signatures do not verify at another sequence");

        byte[] signedBytes = hex(v, "signed_bundle_hex");
        SignedBundle signed = BundleCodec.decodeSigned(signedBytes);
        assertEquals(bundleHash, signed.bundle().bundleHash(), "signed bundle: bundle hash");
        assertEquals(sigs, signed.signatures(), "signed bundle: signatures in listed order");
        assertArrayEquals(signedBytes, signed.encode(), "signed bundle re-encodes byte-identically");
        assertArrayEquals(signedBytes, SignedBundle.of(b, sigs).encode(), "signed bundle from parts");
        assertTrue(signed.verify(set).passed(), "SignedBundle.verify");

        byte[] salt = hex(v, "commit_salt_hex");
        Hash32 commit = Commitment.commitHash(bundleHash, salt);
        assertEquals(v.get("commit_hash_hex").asText(), commit.toHex(), "commit hash");
        assertTrue(Commitment.opens(commit, bundleHash, salt), "commitment opens");
    }

    static void checkMerkleProof(JsonNode v) {
        byte[] item = hex(v, "item_hex");
        byte[] header = hex(v, "header_hex");
        Hash32 bundleHash = Hash32.fromHex("bundle_hash_hex", v.get("bundle_hash_hex").asText());
        int index = v.get("leaf_index").asInt();
        int count = v.get("leaf_count").asInt();
        List<Hash32> path = new ArrayList<>();
        v.get("path_hex").forEach(h -> path.add(Hash32.fromHex("path_hex", h.asText())));
        assertEquals(MerkleProof.expectedPathLength(index, count), path.size(), "path length formula");
        MerkleProof proof = new MerkleProof(index, count, path);
        assertEquals(v.get("leaf_hash_hex").asText(), EncodedBundle.leafHash(item).toHex(), "leaf hash");
        assertEquals(v.get("merkle_top_hex").asText(), proof.computeTop(EncodedBundle.leafHash(item)).toHex(),
                "merkle top");
        assertTrue(EncodedBundle.verifyInclusion(item, proof, header, bundleHash), "proof verifies");

        JsonNode bundle = bundlesByName.get(v.get("bundle").asText());
        if (bundle != null) {
            EncodedBundle b = BundleCodec.decode(hex(bundle, "bundle_hex"));
            assertEquals(proof, b.proof(index), "the bundle's own proof of this leaf");
        }

        if (!path.isEmpty()) {
            byte[] first = path.get(0).toByteArray();
            first[0] ^= 1;
            List<Hash32> flipped = new ArrayList<>(path);
            flipped.set(0, Hash32.of(first));
            assertFalse(EncodedBundle.verifyInclusion(item, new MerkleProof(index, count, flipped), header,
                    bundleHash), "a flipped path byte fails");
        }
        byte[] otherItem = item.clone();
        otherItem[otherItem.length - 1] ^= 1;
        assertFalse(EncodedBundle.verifyInclusion(otherItem, proof, header, bundleHash), "a changed item fails");
        byte[] otherHeader = header.clone();
        otherHeader[6] ^= 1;
        assertFalse(EncodedBundle.verifyInclusion(item, proof, otherHeader, bundleHash), "a changed header fails");
        if (count > 1) {
            // Another position or leaf count gives another path shape (rejected) or another hash (fails).
            int other = index == 0 ? 1 : index - 1;
            if (MerkleProof.expectedPathLength(other, count) == path.size()) {
                assertFalse(EncodedBundle.verifyInclusion(item, new MerkleProof(other, count, path), header,
                        bundleHash), "a wrong leaf index fails");
            } else {
                assertThrows(ProtocolException.class, () -> new MerkleProof(other, count, path));
            }
        }
    }

    static void checkDistribution(JsonNode v) {
        List<DoubleOutcome> in = new ArrayList<>();
        for (JsonNode o : v.get("input")) {
            double p = o.get("p").asDouble();
            double lo = o.get("ci_low").asDouble();
            double hi = o.get("ci_high").asDouble();
            assertEquals(o.get("p_bits").asText(), VectorGenerator.bits(p), "p decimal and bits agree");
            assertEquals(o.get("ci_low_bits").asText(), VectorGenerator.bits(lo), "ci_low decimal and bits agree");
            assertEquals(o.get("ci_high_bits").asText(), VectorGenerator.bits(hi), "ci_high decimal and bits agree");
            in.add(new DoubleOutcome(OutcomeId.of(o.get("outcome_id").asText()), p, lo, hi));
        }
        if (v.has("error_code")) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> Distribution.fromDoubles(in));
            assertEquals(v.get("error_code").asText(), e.code().name(), e.getMessage());
            assertEquals(v.get("field").asText(), e.field(), e.getMessage());
            return;
        }
        List<OutcomeProbability> expected = new ArrayList<>();
        for (JsonNode e : v.get("expected")) {
            expected.add(OutcomeProbability.of(e.get("outcome_id").asText(), e.get("p").asLong(),
                    e.get("ci_low").asLong(), e.get("ci_high").asLong()));
        }
        assertEquals(new Distribution(expected), Distribution.fromDoubles(in));
    }

    static void checkEpoch(JsonNode v) {
        long t = v.get("t_ms").asLong();
        long window = v.get("epoch_window_ms").asLong();
        long cadence = v.get("publish_cadence_ms").asLong();
        if (v.has("error_code")) {
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> new EpochSchedule(window, cadence).tickAt(t));
            assertEquals(v.get("error_code").asText(), e.code().name(), e.getMessage());
            assertEquals(v.get("field").asText(), e.field(), e.getMessage());
            return;
        }
        EpochSchedule schedule = new EpochSchedule(window, cadence);
        EpochSchedule.Tick tick = schedule.tickAt(t);
        assertEquals(v.get("epoch_id").asLong(), tick.epoch().id(), "epoch_id");
        assertEquals(v.get("epoch_start_ms").asLong(), tick.epoch().startMs(), "epoch start");
        assertEquals(v.get("epoch_end_ms").asLong(), tick.epoch().endMs(), "epoch end");
        assertEquals(v.get("tick").asLong(), tick.index(), "tick");
        assertEquals(v.get("tick_start_ms").asLong(), tick.startMs(), "tick start");
        assertEquals(v.get("tick_end_ms").asLong(), tick.endMs(), "tick end");
        assertEquals(tick.epoch(), schedule.epoch(tick.epoch().id()), "epoch by id");
        assertTrue(tick.epoch().contains(t), "the epoch contains t");
        assertTrue(schedule.isConsistent(tick.epoch().id(), tick.index(), tick.epoch().startMs(),
                tick.epoch().endMs()), "on the grid");
    }

    static void checkReject(JsonNode v) {
        byte[] input = hex(v, "input_hex");
        String decoder = v.get("decoder").asText();
        ProtocolException e = assertThrows(ProtocolException.class, () -> {
            switch (decoder) {
                case "bundle" -> BundleCodec.decode(input);
                case "signed_bundle" -> BundleCodec.decodeSigned(input);
                case "item" -> BundleCodec.decodeItem(input);
                case "header" -> BundleCodec.decodeHeader(input);
                default -> fail("unknown decoder " + decoder);
            }
        }, "the " + decoder + " decoder accepts " + v.get("name"));
        assertEquals(ErrorCode.valueOf(v.get("error_code").asText()), e.code(), e.getMessage());
        assertEquals(v.get("field").asText(), e.field(), e.getMessage());
        assertTrue(e.offset().isPresent(), "decoder errors carry a byte offset: " + e.getMessage());
        assertTrue(e.offset().getAsInt() <= input.length, "offset within the input: " + e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static byte[] hex(JsonNode v, String field) {
        return HEX.parseHex(v.get(field).asText());
    }

    static HashTag tag(String ascii) {
        for (HashTag t : HashTag.values()) {
            if (t.ascii().equals(ascii)) {
                return t;
            }
        }
        throw new AssertionError("unknown tag " + ascii);
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void headerLengthMatchesTheDocumentedLayout() {
        assertEquals(38, BundleHeader.ENCODED_LENGTH);
    }
}
