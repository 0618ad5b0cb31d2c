-- Operator state of the quote connectors (m0 connector disable|enable ID, runbook 17.2): a connector listed here with
-- disabled = true emits no quotes in any ingestor (each polls this table every 2 s). A connector without a row is
-- enabled. Rows are kept on enable so `m0 connector list` shows who changed what, and when.
CREATE TABLE connector_state (
    connector_id  text    PRIMARY KEY CHECK (connector_id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    disabled      boolean NOT NULL,
    reason        text    NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    changed_at_ms bigint  NOT NULL CHECK (changed_at_ms >= 0)
);
