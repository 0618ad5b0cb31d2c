-- Tracing (docs/operations.md, "Tracing"): the W3C traceparent of the bundler's span for the bundle, written when it
-- is stored BUILT, so the trace survives the hand-offs through PostgreSQL: the submitter's spans (also after a
-- restart or a resume pass) and the reconciler's announcement of the served values continue it, and the API shows its
-- trace id. NULL when tracing was off. Metadata only: never part of the bundle's bytes, hash or signatures.
ALTER TABLE bundles ADD COLUMN traceparent TEXT;
