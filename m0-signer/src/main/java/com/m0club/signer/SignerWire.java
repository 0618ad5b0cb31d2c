package com.m0club.signer;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The agent's HTTP contract in one place, shared by the server and the threshold client so the two cannot drift:
 * paths, headers, JSON field names, the body limit, and the one {@link ObjectMapper} (tree model only).
 *
 * <pre>
 *   POST /v1/sign   body: canonical bundle bytes (application/octet-stream), header X-M0-Request-Id optional,
 *                   traceparent/tracestate optional (W3C Trace Context: the agent logs under that trace id)
 *                   200 {"public_key_hex","signature_hex","signer_set_id","sequence","bundle_hash_hex"}
 *                   409 replay refusal, 422 bundle/policy refusal, 503 guard unavailable,
 *                   413 body over 1 MiB, 400 malformed request, 401 missing/wrong bearer token
 *                   errors: {"error": REASON, "message": "..."}
 *   GET  /v1/key    200 {"public_key_hex","signer_set_id"}
 *   GET  /healthz   200 {"status":"UP"}
 * </pre>
 */
public final class SignerWire {
    public static final String SIGN_PATH = "/v1/sign";
    public static final String KEY_PATH = "/v1/key";
    public static final String HEALTH_PATH = "/healthz";
    public static final String METRICS_PATH = "/metrics";

    public static final String REQUEST_ID_HEADER = "X-M0-Request-Id";
    /** W3C Trace Context of the bundler's sign span, optional on {@code POST /v1/sign} ({@link TraceParent}). */
    public static final String TRACEPARENT_HEADER = "traceparent";
    /** W3C vendor trace state, forwarded with {@link #TRACEPARENT_HEADER}. */
    public static final String TRACESTATE_HEADER = "tracestate";
    public static final String BUNDLE_CONTENT_TYPE = "application/octet-stream";
    public static final String JSON_CONTENT_TYPE = "application/json";

    /** Largest accepted bundle body: 1 MiB, far above a full round of markets and small enough to buffer. */
    public static final int MAX_BUNDLE_BYTES = 1 << 20;

    public static final String PUBLIC_KEY_HEX = "public_key_hex";
    public static final String SIGNATURE_HEX = "signature_hex";
    public static final String SIGNER_SET_ID = "signer_set_id";
    public static final String SEQUENCE = "sequence";
    public static final String BUNDLE_HASH_HEX = "bundle_hash_hex";
    public static final String ERROR = "error";
    public static final String MESSAGE = "message";

    /** Transport-level error codes (the {@code error} field) that are not {@link RefusalReason}s. */
    public static final String BAD_REQUEST = "BAD_REQUEST";
    public static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
    public static final String UNAUTHORIZED = "UNAUTHORIZED";
    public static final String INTERNAL = "INTERNAL";

    /** Shared, thread-safe once configured; used only through the tree model (no POJO binding). */
    public static final ObjectMapper JSON = new ObjectMapper();

    private SignerWire() {}
}
