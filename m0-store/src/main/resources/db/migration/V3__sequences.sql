-- Bundle sequences: u64 per signer set, strictly increasing, allocated durably before signing, never reused for a
-- different bundle hash; a retry of the same publish round (round_key) gets the sequence it got before.

CREATE TABLE signer_set_sequences (
    signer_set_id bigint PRIMARY KEY REFERENCES signer_sets (signer_set_id),
    -- the last sequence handed out; 0 before the first (sequences start at 1)
    last_sequence bigint NOT NULL CHECK (last_sequence >= 0)
);

CREATE TABLE bundle_sequences (
    signer_set_id   bigint NOT NULL REFERENCES signer_set_sequences (signer_set_id),
    sequence        bigint NOT NULL CHECK (sequence >= 1),
    round_key       text   NOT NULL CHECK (length(round_key) BETWEEN 1 AND 200),
    -- bound once, never changed (SequenceAllocator.bindHash)
    bundle_hash     bytea  NULL CHECK (bundle_hash IS NULL OR length(bundle_hash) = 32),
    allocated_at_ms bigint NOT NULL,
    bound_at_ms     bigint NULL,
    PRIMARY KEY (signer_set_id, sequence),
    UNIQUE (signer_set_id, round_key)
);

-- The two safety rules hold even against a buggy caller or a hand-written UPDATE: a sequence counter never goes
-- back, and a bound bundle hash (or the round a sequence belongs to) never changes.
CREATE FUNCTION m0_sequence_never_decreases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.last_sequence < OLD.last_sequence THEN
        RAISE EXCEPTION 'signer_set_sequences: last_sequence of signer set % cannot go back from % to %',
            OLD.signer_set_id, OLD.last_sequence, NEW.last_sequence USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER signer_set_sequences_never_decrease
    BEFORE UPDATE ON signer_set_sequences
    FOR EACH ROW EXECUTE FUNCTION m0_sequence_never_decreases();

CREATE FUNCTION m0_bundle_sequence_write_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.signer_set_id <> OLD.signer_set_id OR NEW.sequence <> OLD.sequence OR NEW.round_key <> OLD.round_key THEN
        RAISE EXCEPTION 'bundle_sequences: sequence % of signer set % cannot be moved or given to another round',
            OLD.sequence, OLD.signer_set_id USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.bundle_hash IS NOT NULL AND NEW.bundle_hash IS DISTINCT FROM OLD.bundle_hash THEN
        RAISE EXCEPTION 'bundle_sequences: sequence % of signer set % is already bound to another bundle hash',
            OLD.sequence, OLD.signer_set_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER bundle_sequences_write_once
    BEFORE UPDATE ON bundle_sequences
    FOR EACH ROW EXECUTE FUNCTION m0_bundle_sequence_write_once();
