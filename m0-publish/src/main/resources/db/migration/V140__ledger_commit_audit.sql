-- The startup check of the submitter (LedgerCommitAudit): ledger commits that had no publish record. A row per
-- commitment found: ADOPTED (it was revealed, the record was rebuilt from the ledger) or MISSING (committed, never
-- revealed, and nothing here to reveal it with: the loss is recorded, an alert reads the counter).
CREATE TABLE ledger_commit_audit (
    commit_hash   BYTEA  PRIMARY KEY,
    signer_set_id BIGINT NOT NULL,
    sequence      BIGINT NOT NULL,
    commit_slot   BIGINT NOT NULL,
    resolution    TEXT   NOT NULL CHECK (resolution IN ('ADOPTED', 'MISSING')),
    detail        TEXT   NOT NULL,
    found_at_ms   BIGINT NOT NULL
);

-- How far the check has read the ledger's events, so a restart reads only what is new.
CREATE TABLE ledger_commit_audit_cursor (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    next_index BIGINT  NOT NULL
);

-- Publish-history retention (PublishRetention) deletes final bundles by age.
CREATE INDEX bundles_final_by_age ON bundles (updated_at_ms) WHERE status IN ('FINALIZED', 'FAILED');
CREATE INDEX bundles_by_commit_hash ON bundles (commit_hash);
