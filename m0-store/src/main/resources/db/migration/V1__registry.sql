-- m0-store owns migration versions 1..99; other modules ship theirs (100 and up) in their own jars.
-- Market registry: what each market is, how it publishes, the ledger timing rules, and its status.
-- Enumerations are checked here too, so a row written by another tool cannot hold a value the code cannot read.

CREATE TABLE markets (
    market_id               text    PRIMARY KEY CHECK (market_id ~ '^[A-Z][A-Z0-9_]{2,63}$'),
    domain                  text    NOT NULL CHECK (domain IN ('SPORTS', 'POLITICS', 'MACRO', 'CRYPTO')),
    title                   text    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    tier                    text    NOT NULL CHECK (tier IN ('FAST', 'NORMAL', 'SLOW')),
    -- outcome ids in canonical (byte) order, as the protocol orders them
    outcomes                text[]  NOT NULL CHECK (cardinality(outcomes) >= 2),
    epoch_window_ms         bigint  NOT NULL CHECK (epoch_window_ms > 0),
    publish_cadence_ms      bigint  NOT NULL CHECK (publish_cadence_ms > 0),
    finalization_delay_ms   bigint  NOT NULL CHECK (finalization_delay_ms >= 0),
    max_reveal_delay_ms     bigint  NOT NULL CHECK (max_reveal_delay_ms > 0),
    max_commit_staleness_ms bigint  NOT NULL CHECK (max_commit_staleness_ms > 0),
    max_clock_skew_ms       bigint  NOT NULL CHECK (max_clock_skew_ms >= 0),
    status                  text    NOT NULL CHECK (status IN ('DRAFT', 'ACTIVE', 'PAUSED', 'DEPRECATED', 'ARCHIVED')),
    created_at_ms           bigint  NOT NULL,
    updated_at_ms           bigint  NOT NULL,
    CONSTRAINT markets_cadence_divides_window CHECK (epoch_window_ms % publish_cadence_ms = 0)
);

-- Every status change, with who-knows-why in reason (operator pause, seeding, deprecation). from_status is NULL for
-- the status a market was created with.
CREATE TABLE market_status_changes (
    change_id   bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    market_id   text    NOT NULL REFERENCES markets (market_id),
    from_status text    NULL,
    to_status   text    NOT NULL,
    at_ms       bigint  NOT NULL,
    reason      text    NOT NULL
);

CREATE INDEX market_status_changes_by_market ON market_status_changes (market_id, change_id);
