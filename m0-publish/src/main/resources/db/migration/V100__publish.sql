-- Publishing plane: bundles and their publish state, what the ledger accepted, and what the API serves.
-- Versions 100+ belong to m0-publish (m0-store owns 1..99).

CREATE TABLE bundles (
    bundle_hash     BYTEA   PRIMARY KEY,
    signer_set_id   BIGINT  NOT NULL,
    sequence        BIGINT  NOT NULL,
    round_start_ms  BIGINT  NOT NULL,
    round_end_ms    BIGINT  NOT NULL,
    produced_at_ms  BIGINT  NOT NULL,
    item_count      INTEGER NOT NULL,
    bundle_bytes    BYTEA   NOT NULL,
    signed_bytes    BYTEA,
    status          TEXT    NOT NULL,
    salt            BYTEA,
    commit_hash     BYTEA,
    commit_slot     BIGINT,
    reveal_slot     BIGINT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    problem         TEXT,
    created_at_ms   BIGINT  NOT NULL,
    updated_at_ms   BIGINT  NOT NULL,
    CONSTRAINT bundles_one_hash_per_sequence UNIQUE (signer_set_id, sequence),
    CONSTRAINT bundles_status_known CHECK (status IN
        ('BUILT', 'SIGNED', 'COMMITTED', 'REVEALED', 'FINALIZED', 'FAILED', 'MISMATCH'))
);
CREATE INDEX bundles_unfinished ON bundles (signer_set_id, sequence)
    WHERE status IN ('BUILT', 'SIGNED', 'COMMITTED');

CREATE TABLE publish_transitions (
    id          BIGSERIAL PRIMARY KEY,
    bundle_hash BYTEA  NOT NULL REFERENCES bundles (bundle_hash),
    status      TEXT   NOT NULL,
    at_ms       BIGINT NOT NULL,
    reason      TEXT
);
CREATE INDEX publish_transitions_by_bundle ON publish_transitions (bundle_hash, id);

CREATE TABLE bundle_items (
    bundle_hash   BYTEA   NOT NULL REFERENCES bundles (bundle_hash),
    leaf_index    INTEGER NOT NULL,
    market_id     TEXT    NOT NULL,
    epoch_id      BIGINT  NOT NULL,
    tick          BIGINT  NOT NULL,
    created_at_ms BIGINT  NOT NULL,
    PRIMARY KEY (bundle_hash, leaf_index)
);
CREATE INDEX bundle_items_by_market_epoch ON bundle_items (market_id, epoch_id);
CREATE INDEX bundle_items_newest_by_market ON bundle_items (market_id, created_at_ms DESC);

-- The ledger's view, maintained by the reconciler from ledger events.
CREATE TABLE market_latest (
    market_id      TEXT    PRIMARY KEY,
    bundle_hash    BYTEA   NOT NULL,
    leaf_index     INTEGER NOT NULL,
    epoch_id       BIGINT  NOT NULL,
    tick           BIGINT  NOT NULL,
    reveal_slot    BIGINT  NOT NULL,
    revealed_at_ms BIGINT  NOT NULL
);

CREATE TABLE ledger_epochs (
    market_id             TEXT    NOT NULL,
    epoch_id              BIGINT  NOT NULL,
    status                TEXT    NOT NULL,
    canonical_bundle_hash BYTEA   NOT NULL,
    canonical_leaf_index  INTEGER NOT NULL,
    last_slot             BIGINT  NOT NULL,
    last_time_ms          BIGINT  NOT NULL,
    finalized_slot        BIGINT,
    PRIMARY KEY (market_id, epoch_id)
);

CREATE TABLE ledger_cursor (
    consumer   TEXT   PRIMARY KEY,
    next_index BIGINT NOT NULL
);

-- Why a market did not publish on its latest tick (guardrail block, signer or ledger trouble).
CREATE TABLE market_problems (
    market_id TEXT   PRIMARY KEY,
    problem   TEXT   NOT NULL,
    at_ms     BIGINT NOT NULL
);
