package com.m0club.api.rest;

import com.m0club.api.json.ServedValueJson;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.id.MarketId;
import com.m0club.view.MarketSnapshot;
import com.m0club.view.OracleReadModel;
import com.m0club.view.ServedValue;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code /v1/markets}, {@code /v1/markets/{id}}, {@code /v1/markets/{id}/latest} and
 * {@code /v1/markets/{id}/epochs/{epochId}}. A malformed id is a 400 naming the rule ({@link MarketId#RULE}, or the
 * epoch id's decimal u64 rule); an unknown market, or one with nothing served yet, is a 404 saying which.
 */
final class MarketResource {
    private final OracleReadModel model;
    private final ServedCache cache;

    MarketResource(OracleReadModel model, ServedCache cache) {
        this.model = model;
        this.cache = cache;
    }

    /** Every market, from the in-memory document ({@link ServedCache#marketList()}). */
    void list(ServerRequest req, ServerResponse res) {
        Responses.json(res, cache.marketList());
    }

    void one(ServerRequest req, ServerResponse res) {
        MarketId id = marketId(req);
        MarketSnapshot s = model.market(id).orElseThrow(() -> unknown(id));
        Responses.json(res, MarketJson.snapshot(s));
    }

    /**
     * The latest value with its proof. The ETag names the bundle and the ledger status, so a client polling with
     * If-None-Match gets 304 until a new bundle lands or the value finalizes. Served from memory: the body and the
     * ETag were computed once when the value arrived ({@link ServedCache}).
     */
    void latest(ServerRequest req, ServerResponse res) {
        MarketId id = marketId(req);
        ServedCache.Entry e = cache.latest(id).orElseThrow(() -> model.market(id).isPresent()
                ? new ApiException(ApiError.notFound("market " + id + " has no served value yet"))
                : unknown(id));
        res.header(HeaderNames.ETAG, e.etag());
        if (matches(req.headers().first(HeaderNames.IF_NONE_MATCH).orElse(""), e.etag())) {
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        Responses.json(res, e.json());
    }

    /**
     * The canonical value of one epoch with the same proof contract as {@link #latest}: while the epoch is open the
     * last accepted item (its ledger status REVEALED), once it finalized the item that is canonical for good
     * (FINALIZED). A consumer settling on an epoch asks for this rather than racing {@code /latest} past the
     * epoch's end.
     */
    void epoch(ServerRequest req, ServerResponse res) {
        MarketId id = marketId(req);
        long epochId = epochId(req.path().pathParameters().get("epochId"));
        ServedValue v = model.epochValue(id, epochId).orElseThrow(() -> model.market(id).isPresent()
                ? new ApiException(ApiError.notFound("market " + id + " has no value for epoch " + epochId
                        + " (nothing revealed in that epoch yet, or it is outside the market's schedule)"))
                : unknown(id));
        respond(req, res, v);
    }

    /** A value with its proof; the ETag names the bundle and the ledger status (304 on a match). */
    private static void respond(ServerRequest req, ServerResponse res, ServedValue v) {
        String etag = ServedCache.etag(v);
        res.header(HeaderNames.ETAG, etag);
        if (matches(req.headers().first(HeaderNames.IF_NONE_MATCH).orElse(""), etag)) {
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        Responses.json(res, ServedValueJson.latest(v));
    }

    /** The protocol's {@code epoch_id}: a decimal u64, restricted to 0..2^63-1 in v1 like every u64 field. */
    static long epochId(String raw) {
        if (!DecimalParameter.isDigits(raw)) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, "epoch_id",
                    "must be a decimal u64 (0..9223372036854775807), got \"" + DecimalParameter.printable(raw)
                            + "\"");
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, "epoch_id",
                    "must be a u64 in 0..9223372036854775807, got " + DecimalParameter.printable(raw));
        }
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag) || c.equals("*")) {
                return true;
            }
        }
        return false;
    }

    private static MarketId marketId(ServerRequest req) {
        return MarketId.of(MarketId.validate("market_id", req.path().pathParameters().get("id")));
    }

    private static ApiException unknown(MarketId id) {
        return new ApiException(ApiError.notFound("market " + id + " is not registered"));
    }
}
