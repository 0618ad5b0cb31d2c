package com.m0club.engine.ingest;

import com.m0club.protocol.hash.Hash32;
import java.util.Objects;

/** What ingest did with one quote. */
public sealed interface IngestResult {

    /** The {@code result} label of {@code m0_ingest_events_total}. */
    String label();

    /** The quote is new and valid; {@code event} goes to {@code m0.events}. */
    record Accepted(NormalizedEvent event) implements IngestResult {
        public Accepted {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public String label() {
            return "accepted";
        }
    }

    /** The quote's event id is in the dedup window: it was accepted before. */
    record Duplicate(Hash32 eventId, String traceId) implements IngestResult {
        public Duplicate {
            Objects.requireNonNull(eventId, "event_id");
            Objects.requireNonNull(traceId, "trace_id");
        }

        @Override
        public String label() {
            return "duplicate";
        }
    }

    /** The quote broke a rule; {@code message} names the field and the rule. */
    record Rejected(RejectReason reason, String message, String traceId) implements IngestResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(traceId, "trace_id");
        }

        @Override
        public String label() {
            return "rejected";
        }
    }
}
