package com.m0club.adapter.chain.remote;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.chain.CommitReceipt;
import com.m0club.chain.CommitRecord;
import com.m0club.chain.EpochRecord;
import com.m0club.chain.EpochRef;
import com.m0club.chain.EpochStatus;
import com.m0club.chain.FinalizeReceipt;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.MarketValue;
import com.m0club.chain.RevealReceipt;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.time.EpochSchedule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The wire format of the ledger over HTTP, version 1, shared by {@link LedgerServer} and {@link RemoteLedger} so the
 * two cannot drift: paths, field names, error codes, limits, and the JSON encoding of every record of the ledger
 * ports. adapters/m0-chain-remote/README.md documents each endpoint and body.
 *
 * <p>Encoding rules: compact UTF-8 JSON, object fields in the fixed order written here (the same record always gives
 * the same bytes), snake_case names; integers as JSON integers (never floats); a 32-byte hash as 64 lowercase hex
 * characters; byte strings (signed bundle bytes, salts, the canonical item bytes of a {@link MarketValue}) as
 * standard base64 with padding; enums by name; an absent optional value as {@code null}. Decoding is strict: a
 * missing or mistyped field, non-canonical hex or base64, a duplicate key or trailing data is a
 * {@link WireFormatException} naming the field. Unknown fields are ignored, so version 1 may only grow by adding
 * fields; anything else is a new path prefix.
 */
public final class LedgerWire {
    /** Version of this format: the {@code /v1/} of every path. */
    public static final int VERSION = 1;
    public static final String PREFIX = "/v1/ledger/";

    // writes (POST, JSON body)
    public static final String COMMIT = "commit";
    public static final String REVEAL = "reveal";
    public static final String FINALIZE_EPOCH = "finalize-epoch";
    public static final String REGISTER_SIGNER_SET = "register-signer-set";
    public static final String ACTIVATE_SIGNER_SET = "activate-signer-set";
    public static final String REGISTER_MARKET = "register-market";
    public static final String SET_MARKET_STATUS = "set-market-status";
    // reads (GET, query parameters)
    public static final String INFO = "info";
    public static final String CLOCK = "clock";
    public static final String SIGNER_SET = "signer-set";
    public static final String LAST_SEQUENCE = "last-sequence";
    public static final String MARKET = "market";
    public static final String COMMITMENT = "commitment";
    public static final String REVEALED_BUNDLE = "revealed-bundle";
    public static final String EPOCH = "epoch";
    public static final String LATEST = "latest";
    public static final String DUE_FOR_FINALIZATION = "due-for-finalization";
    public static final String EVENTS = "events";
    public static final String EVENT_INDEX = "event-index";

    /** Every write endpoint, in the order of the port methods. */
    public static final List<String> WRITES = List.of(COMMIT, REVEAL, FINALIZE_EPOCH, REGISTER_SIGNER_SET,
            ACTIVATE_SIGNER_SET, REGISTER_MARKET, SET_MARKET_STATUS);
    /** Every read endpoint. */
    public static final List<String> READS = List.of(INFO, CLOCK, SIGNER_SET, LAST_SEQUENCE, MARKET, COMMITMENT,
            REVEALED_BUNDLE, EPOCH, LATEST, DUE_FOR_FINALIZATION, EVENTS, EVENT_INDEX);

    public static final String JSON_CONTENT_TYPE = "application/json";

    /** Most events one page of {@code GET events} carries (the port promises "up to max"). */
    public static final int MAX_EVENTS_PER_PAGE = 1_000;
    /** Longest {@code wait_ms} a long poll of {@code GET events} may ask for. */
    public static final long MAX_WAIT_MS = 30_000;
    /** Largest body of a write other than {@code reveal} (a market or a 32-key signer set is a few KiB). */
    public static final int MAX_SMALL_BODY_BYTES = 64 * 1024;

    /** Error codes ({@code error.code}) of the standard error body {@code {"error":{"code","message",...}}}. */
    public static final String REJECTED = "rejected";
    public static final String EVENTS_EXPIRED = "events_expired";
    public static final String BAD_REQUEST = "bad_request";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
    public static final String UNAVAILABLE = "unavailable";
    public static final String INTERNAL = "internal_error";

    /** Tree model only (no binding); strict about duplicate keys and trailing tokens. Thread-safe. */
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LedgerWire() {}

    /** The largest request body of a {@code reveal} that can carry {@code maxSignedBundleBytes} of signed bundle. */
    public static long maxRevealBodyBytes(int maxSignedBundleBytes) {
        return 4L * ((maxSignedBundleBytes + 2L) / 3) + 1_024;
    }

    // ------------------------------------------------------------------------------------------------ bytes

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** Parses a body that must be one JSON object. */
    static Fields parse(byte[] body, String what) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new WireFormatException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new WireFormatException(what + " cannot be read: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new WireFormatException(what + " must be a JSON object");
        }
        return new Fields(node, "");
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    // ------------------------------------------------------------------------------------------------ requests

    static ObjectNode commitRequest(Hash32 commitHash, long signerSetId, long sequence) {
        ObjectNode n = object();
        n.put("commit_hash", commitHash.toHex());
        n.put("signer_set_id", signerSetId);
        n.put("sequence", sequence);
        return n;
    }

    static ObjectNode revealRequest(byte[] signedBundleBytes, byte[] salt) {
        ObjectNode n = object();
        n.put("signed_bundle", base64(signedBundleBytes));
        n.put("salt", base64(salt));
        return n;
    }

    static ObjectNode finalizeRequest(MarketId market, long epochId) {
        ObjectNode n = object();
        n.put("market", market.value());
        n.put("epoch_id", epochId);
        return n;
    }

    static ObjectNode activateRequest(long signerSetId) {
        return object().put("signer_set_id", signerSetId);
    }

    static ObjectNode statusRequest(MarketId market, MarketStatus status) {
        ObjectNode n = object();
        n.put("market", market.value());
        n.put("status", status.name());
        return n;
    }

    // ------------------------------------------------------------------------------------------------ records

    static ObjectNode signerSet(SignerSet s) {
        ObjectNode n = object();
        n.put("id", s.id());
        n.put("threshold", s.threshold());
        ArrayNode keys = n.putArray("keys");
        s.keys().forEach(k -> keys.add(k.toHex()));
        n.put("status", s.status().name());
        n.put("activation_ms", s.activationMs());
        return n;
    }

    static SignerSet signerSet(Fields f) {
        List<SignerKey> keys = new ArrayList<>();
        List<String> hex = f.strings("keys");
        for (int i = 0; i < hex.size(); i++) {
            keys.add(f.build("keys[" + i + "]", hex.get(i), SignerKey::fromHex));
        }
        long id = f.i64("id");
        int threshold = f.i32("threshold");
        SignerSetStatus status = f.enumValue("status", SignerSetStatus.class);
        long activation = f.i64("activation_ms");
        return f.build("", null, ignored -> new SignerSet(id, threshold, keys, status, activation));
    }

    static ObjectNode market(Market m) {
        ObjectNode n = object();
        n.put("id", m.id().value());
        n.put("domain", m.domain().name());
        n.put("title", m.title());
        n.put("tier", m.tier().name());
        ArrayNode outcomes = n.putArray("outcomes");
        m.outcomes().forEach(o -> outcomes.add(o.value()));
        ObjectNode schedule = n.putObject("schedule");
        schedule.put("epoch_window_ms", m.schedule().epochWindowMs());
        schedule.put("publish_cadence_ms", m.schedule().publishCadenceMs());
        ObjectNode timing = n.putObject("timing");
        LedgerTiming t = m.timing();
        timing.put("finalization_delay_ms", t.finalizationDelayMs());
        timing.put("max_reveal_delay_ms", t.maxRevealDelayMs());
        timing.put("max_commit_staleness_ms", t.maxCommitStalenessMs());
        timing.put("max_clock_skew_ms", t.maxClockSkewMs());
        n.put("status", m.status().name());
        return n;
    }

    static Market market(Fields f) {
        MarketId id = f.marketId("id");
        Domain domain = f.enumValue("domain", Domain.class);
        String title = f.str("title");
        Tier tier = f.enumValue("tier", Tier.class);
        List<OutcomeId> outcomes = new ArrayList<>();
        List<String> names = f.strings("outcomes");
        for (int i = 0; i < names.size(); i++) {
            outcomes.add(f.build("outcomes[" + i + "]", names.get(i), OutcomeId::of));
        }
        Fields s = f.obj("schedule");
        long window = s.i64("epoch_window_ms");
        long cadence = s.i64("publish_cadence_ms");
        EpochSchedule schedule = s.build("", null, ignored -> new EpochSchedule(window, cadence));
        Fields t = f.obj("timing");
        long finalization = t.i64("finalization_delay_ms");
        long reveal = t.i64("max_reveal_delay_ms");
        long staleness = t.i64("max_commit_staleness_ms");
        long skew = t.i64("max_clock_skew_ms");
        LedgerTiming timing = t.build("", null, ignored -> new LedgerTiming(finalization, reveal, staleness, skew));
        MarketStatus status = f.enumValue("status", MarketStatus.class);
        return f.build("", null, ignored -> new Market(id, domain, title, tier, outcomes, schedule, timing, status));
    }

    static ObjectNode commitReceipt(CommitReceipt r) {
        ObjectNode n = object();
        n.put("commit_hash", r.commitHash().toHex());
        n.put("signer_set_id", r.signerSetId());
        n.put("sequence", r.sequence());
        n.put("slot", r.slot());
        n.put("time_ms", r.timeMs());
        n.put("transaction_id", r.transactionId());
        return n;
    }

    static CommitReceipt commitReceipt(Fields f) {
        return new CommitReceipt(f.hash("commit_hash"), f.i64("signer_set_id"), f.i64("sequence"), f.i64("slot"),
                f.i64("time_ms"), f.str("transaction_id"));
    }

    static ObjectNode revealReceipt(RevealReceipt r) {
        ObjectNode n = object();
        n.put("bundle_hash", r.bundleHash().toHex());
        n.put("commit_hash", r.commitHash().toHex());
        n.put("signer_set_id", r.signerSetId());
        n.put("sequence", r.sequence());
        n.put("slot", r.slot());
        n.put("time_ms", r.timeMs());
        n.put("transaction_id", r.transactionId());
        ArrayNode items = n.putArray("items");
        for (RevealReceipt.Item i : r.items()) {
            ObjectNode item = items.addObject();
            item.put("market", i.market().value());
            item.put("epoch_id", i.epochId());
            item.put("tick", i.tick());
            item.put("leaf_index", i.leafIndex());
        }
        return n;
    }

    static RevealReceipt revealReceipt(Fields f) {
        List<RevealReceipt.Item> items = new ArrayList<>();
        for (Fields i : f.objects("items")) {
            items.add(new RevealReceipt.Item(i.marketId("market"), i.i64("epoch_id"), i.i64("tick"),
                    i.i32("leaf_index")));
        }
        return new RevealReceipt(f.hash("bundle_hash"), f.hash("commit_hash"), f.i64("signer_set_id"),
                f.i64("sequence"), f.i64("slot"), f.i64("time_ms"), f.str("transaction_id"), items);
    }

    static ObjectNode finalizeReceipt(FinalizeReceipt r) {
        ObjectNode n = object();
        n.put("market", r.market().value());
        n.put("epoch_id", r.epochId());
        n.put("canonical_bundle_hash", r.canonicalBundleHash().toHex());
        n.put("leaf_index", r.leafIndex());
        n.put("canonical_sequence", r.canonicalSequence());
        n.put("slot", r.slot());
        n.put("time_ms", r.timeMs());
        n.put("transaction_id", r.transactionId());
        return n;
    }

    static FinalizeReceipt finalizeReceipt(Fields f) {
        return new FinalizeReceipt(f.marketId("market"), f.i64("epoch_id"), f.hash("canonical_bundle_hash"),
                f.i32("leaf_index"), f.i64("canonical_sequence"), f.i64("slot"), f.i64("time_ms"),
                f.str("transaction_id"));
    }

    static ObjectNode commitRecord(CommitRecord r) {
        ObjectNode n = object();
        n.set("commit", commitReceipt(r.commit()));
        n.set("reveal", r.reveal().<JsonNode>map(LedgerWire::revealReceipt).orElse(NODES.nullNode()));
        return n;
    }

    static CommitRecord commitRecord(Fields f) {
        return new CommitRecord(commitReceipt(f.obj("commit")), f.optObj("reveal").map(LedgerWire::revealReceipt));
    }

    static ObjectNode revealedBundle(RevealedBundle b) {
        ObjectNode n = object();
        n.set("receipt", revealReceipt(b.receipt()));
        n.put("signed_bundle", base64(b.signedBundleBytes()));
        n.put("salt", base64(b.salt()));
        return n;
    }

    static RevealedBundle revealedBundle(Fields f) {
        return new RevealedBundle(revealReceipt(f.obj("receipt")), f.bytes("signed_bundle"), f.bytes("salt"));
    }

    static ObjectNode marketValue(MarketValue v) {
        ObjectNode n = object();
        n.put("market", v.market().value());
        n.put("item", base64(BundleCodec.encodeItem(v.item())));
        n.put("bundle_hash", v.bundleHash().toHex());
        n.put("signer_set_id", v.signerSetId());
        n.put("sequence", v.sequence());
        n.put("leaf_index", v.leafIndex());
        n.put("slot", v.slot());
        n.put("time_ms", v.timeMs());
        return n;
    }

    static MarketValue marketValue(Fields f) {
        return new MarketValue(f.marketId("market"), f.build("item", f.bytes("item"), BundleCodec::decodeItem),
                f.hash("bundle_hash"), f.i64("signer_set_id"), f.i64("sequence"), f.i32("leaf_index"),
                f.i64("slot"), f.i64("time_ms"));
    }

    static ObjectNode epochRecord(EpochRecord e) {
        ObjectNode n = object();
        n.put("market", e.market().value());
        n.put("epoch_id", e.epochId());
        n.put("window_start_ms", e.windowStartMs());
        n.put("window_end_ms", e.windowEndMs());
        n.put("status", e.status().name());
        n.put("accepted_items", e.acceptedItems());
        n.set("canonical", e.canonical().<JsonNode>map(LedgerWire::marketValue).orElse(NODES.nullNode()));
        putOptional(n, "finalized_slot", e.finalizedSlot());
        putOptional(n, "finalized_at_ms", e.finalizedAtMs());
        return n;
    }

    static EpochRecord epochRecord(Fields f) {
        return new EpochRecord(f.marketId("market"), f.i64("epoch_id"), f.i64("window_start_ms"),
                f.i64("window_end_ms"), f.enumValue("status", EpochStatus.class), f.i32("accepted_items"),
                f.optObj("canonical").map(LedgerWire::marketValue), f.optI64("finalized_slot"),
                f.optI64("finalized_at_ms"));
    }

    static ObjectNode epochRef(EpochRef r) {
        ObjectNode n = object();
        n.put("market", r.market().value());
        n.put("epoch_id", r.epochId());
        n.put("window_end_ms", r.windowEndMs());
        return n;
    }

    static EpochRef epochRef(Fields f) {
        return new EpochRef(f.marketId("market"), f.i64("epoch_id"), f.i64("window_end_ms"));
    }

    static ObjectNode event(LedgerEvent e) {
        ObjectNode n = object();
        n.put("type", switch (e) {
            case LedgerEvent.Committed c -> "committed";
            case LedgerEvent.Revealed r -> "revealed";
            case LedgerEvent.ItemAccepted i -> "item_accepted";
            case LedgerEvent.EpochFinalized f -> "epoch_finalized";
        });
        n.put("index", e.index());
        n.put("slot", e.slot());
        n.put("time_ms", e.timeMs());
        n.put("transaction_id", e.transactionId());
        switch (e) {
            case LedgerEvent.Committed c -> {
                n.put("commit_hash", c.commitHash().toHex());
                n.put("signer_set_id", c.signerSetId());
                n.put("sequence", c.sequence());
            }
            case LedgerEvent.Revealed r -> {
                n.put("bundle_hash", r.bundleHash().toHex());
                n.put("signer_set_id", r.signerSetId());
                n.put("sequence", r.sequence());
                n.put("commit_hash", r.commitHash().toHex());
                ArrayNode markets = n.putArray("markets");
                r.markets().forEach(m -> markets.add(m.value()));
            }
            case LedgerEvent.ItemAccepted i -> {
                n.put("market", i.market().value());
                n.put("epoch_id", i.epochId());
                n.put("tick", i.tick());
                n.put("bundle_hash", i.bundleHash().toHex());
                n.put("leaf_index", i.leafIndex());
            }
            case LedgerEvent.EpochFinalized f -> {
                n.put("market", f.market().value());
                n.put("epoch_id", f.epochId());
                n.put("canonical_bundle_hash", f.canonicalBundleHash().toHex());
                n.put("leaf_index", f.leafIndex());
            }
        }
        return n;
    }

    static LedgerEvent event(Fields f) {
        String type = f.str("type");
        long index = f.i64("index");
        long slot = f.i64("slot");
        long time = f.i64("time_ms");
        String tx = f.str("transaction_id");
        return switch (type) {
            case "committed" -> new LedgerEvent.Committed(index, slot, time, tx, f.hash("commit_hash"),
                    f.i64("signer_set_id"), f.i64("sequence"));
            case "revealed" -> {
                List<MarketId> markets = new ArrayList<>();
                List<String> ids = f.strings("markets");
                for (int i = 0; i < ids.size(); i++) {
                    markets.add(f.build("markets[" + i + "]", ids.get(i), MarketId::of));
                }
                yield new LedgerEvent.Revealed(index, slot, time, tx, f.hash("bundle_hash"), f.i64("signer_set_id"),
                        f.i64("sequence"), f.hash("commit_hash"), markets);
            }
            case "item_accepted" -> new LedgerEvent.ItemAccepted(index, slot, time, tx, f.marketId("market"),
                    f.i64("epoch_id"), f.i64("tick"), f.hash("bundle_hash"), f.i32("leaf_index"));
            case "epoch_finalized" -> new LedgerEvent.EpochFinalized(index, slot, time, tx, f.marketId("market"),
                    f.i64("epoch_id"), f.hash("canonical_bundle_hash"), f.i32("leaf_index"));
            default -> throw new WireFormatException(f.where("type") + ": unknown event type '" + type
                    + "' (committed, revealed, item_accepted, epoch_finalized)");
        };
    }

    /** One page of {@code GET events}: the event index bounds at the time of the read, and the events. */
    record EventPage(long oldest, long next, List<LedgerEvent> events) {
        EventPage {
            events = List.copyOf(events);
        }
    }

    static ObjectNode eventPage(EventPage page) {
        ObjectNode n = object();
        n.put("oldest", page.oldest());
        n.put("next", page.next());
        ArrayNode events = n.putArray("events");
        page.events().forEach(e -> events.add(event(e)));
        return n;
    }

    static EventPage eventPage(Fields f) {
        List<LedgerEvent> events = new ArrayList<>();
        for (Fields e : f.objects("events")) {
            events.add(event(e));
        }
        return new EventPage(f.i64("oldest"), f.i64("next"), events);
    }

    /** {@code {"value": record}} or {@code {"value": null}}: the body of every read that may find nothing. */
    static <T> ObjectNode optional(Optional<T> value, Function<T, ObjectNode> encode) {
        ObjectNode n = object();
        n.set("value", value.<JsonNode>map(encode).orElse(NODES.nullNode()));
        return n;
    }

    static <T> Optional<T> optional(Fields f, Function<Fields, T> decode) {
        return f.optObj("value").map(decode);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static void putOptional(ObjectNode n, String field, OptionalLong value) {
        if (value.isPresent()) {
            n.put(field, value.getAsLong());
        } else {
            n.putNull(field);
        }
    }

    /** Builds a value, turning the record's own refusal into a {@link WireFormatException} naming the field. */
    @FunctionalInterface
    interface Build<I, T> {
        T from(I input);
    }

    /** Typed, strict reads of one JSON object, every error naming the field by its path. */
    static final class Fields {
        private final JsonNode node;
        private final String path;

        Fields(JsonNode node, String path) {
            this.node = node;
            this.path = path;
        }

        String where(String field) {
            return path.isEmpty() ? field : path + "." + field;
        }

        private JsonNode required(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw new WireFormatException(where(field) + ": required");
            }
            return v;
        }

        long i64(String field) {
            JsonNode v = required(field);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new WireFormatException(where(field) + ": must be an integer in the i64 range, got " + v);
            }
            return v.longValue();
        }

        int i32(String field) {
            JsonNode v = required(field);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new WireFormatException(where(field) + ": must be an integer in the i32 range, got " + v);
            }
            return v.intValue();
        }

        OptionalLong optI64(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? OptionalLong.empty() : OptionalLong.of(i64(field));
        }

        String str(String field) {
            JsonNode v = required(field);
            if (!v.isTextual()) {
                throw new WireFormatException(where(field) + ": must be a string");
            }
            return v.textValue();
        }

        List<String> strings(String field) {
            JsonNode v = array(field);
            List<String> out = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw new WireFormatException(where(field) + "[" + i + "]: must be a string");
                }
                out.add(v.get(i).textValue());
            }
            return out;
        }

        List<Fields> objects(String field) {
            JsonNode v = array(field);
            List<Fields> out = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isObject()) {
                    throw new WireFormatException(where(field) + "[" + i + "]: must be an object");
                }
                out.add(new Fields(v.get(i), where(field) + "[" + i + "]"));
            }
            return out;
        }

        private JsonNode array(String field) {
            JsonNode v = required(field);
            if (!v.isArray()) {
                throw new WireFormatException(where(field) + ": must be an array");
            }
            return v;
        }

        Fields obj(String field) {
            JsonNode v = required(field);
            if (!v.isObject()) {
                throw new WireFormatException(where(field) + ": must be an object");
            }
            return new Fields(v, where(field));
        }

        /** An object or null; a field that is absent altogether is an error (every optional is written as null). */
        Optional<Fields> optObj(String field) {
            JsonNode v = node.get(field);
            if (v == null) {
                throw new WireFormatException(where(field) + ": required (null when absent)");
            }
            return v.isNull() ? Optional.empty() : Optional.of(obj(field));
        }

        Hash32 hash(String field) {
            String hex = str(field);
            Hash32 h = build(field, hex, s -> Hash32.fromHex(where(field), s));
            if (!h.toHex().equals(hex)) {
                throw new WireFormatException(where(field) + ": must be 64 lowercase hex characters");
            }
            return h;
        }

        byte[] bytes(String field) {
            String text = str(field);
            byte[] b;
            try {
                b = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new WireFormatException(where(field) + ": must be standard base64: " + e.getMessage());
            }
            if (!base64(b).equals(text)) {
                throw new WireFormatException(where(field) + ": must be canonical standard base64 (with padding)");
            }
            return b;
        }

        MarketId marketId(String field) {
            return build(field, str(field), MarketId::of);
        }

        <E extends Enum<E>> E enumValue(String field, Class<E> type) {
            String name = str(field);
            try {
                return Enum.valueOf(type, name);
            } catch (IllegalArgumentException e) {
                throw new WireFormatException(where(field) + ": '" + name + "' is not one of "
                        + Arrays.toString(type.getEnumConstants()));
            }
        }

        /** {@code build.from(input)}, a refusal of the value (bad id, invalid record) named after {@code field}. */
        <I, T> T build(String field, I input, Build<I, T> build) {
            try {
                return build.from(input);
            } catch (IllegalArgumentException | NullPointerException e) {
                String at = field.isEmpty() ? (path.isEmpty() ? "body" : path) : where(field);
                throw new WireFormatException(at + ": " + e.getMessage(), e);
            }
        }
    }
}
