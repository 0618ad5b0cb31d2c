-- Signer sets are immutable once inserted (rotation creates a new id); only status moves, forward:
-- PENDING -> ACTIVE -> RETIRED.

CREATE TABLE signer_sets (
    signer_set_id bigint PRIMARY KEY CHECK (signer_set_id BETWEEN 0 AND 4294967295),
    threshold     int    NOT NULL CHECK (threshold >= 1),
    status        text   NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'RETIRED')),
    activation_ms bigint NOT NULL CHECK (activation_ms >= 0),
    created_at_ms bigint NOT NULL,
    updated_at_ms bigint NOT NULL
);

-- Keys in canonical (unsigned byte-wise ascending) order: position 0 is the smallest key.
CREATE TABLE signer_set_keys (
    signer_set_id bigint NOT NULL REFERENCES signer_sets (signer_set_id),
    position      int    NOT NULL CHECK (position >= 0),
    public_key    bytea  NOT NULL CHECK (length(public_key) = 32),
    PRIMARY KEY (signer_set_id, position),
    UNIQUE (signer_set_id, public_key)
);
