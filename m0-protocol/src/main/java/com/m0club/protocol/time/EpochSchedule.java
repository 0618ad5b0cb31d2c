package com.m0club.protocol.time;

import com.m0club.protocol.Checks;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;

/**
 * A market's time grid: epochs of {@code epochWindowMs} from origin 0, each cut into ticks of
 * {@code publishCadenceMs}. Both are registry parameters. The cadence must divide the window so every tick has the
 * same length; a schedule that breaks this is rejected when the config is loaded, not discovered mid-epoch.
 *
 * <pre>
 *   epoch_id = floor(t / W)          window = [epoch_id * W, (epoch_id + 1) * W)
 *   tick     = floor((t - start) / C)
 * </pre>
 */
public record EpochSchedule(long epochWindowMs, long publishCadenceMs) {
    public EpochSchedule {
        if (epochWindowMs <= 0) {
            throw new ProtocolException(ErrorCode.INVALID_CONFIG, "epoch_window_ms",
                    "must be > 0, got " + epochWindowMs);
        }
        if (publishCadenceMs <= 0) {
            throw new ProtocolException(ErrorCode.INVALID_CONFIG, "publish_cadence_ms",
                    "must be > 0, got " + publishCadenceMs);
        }
        if (epochWindowMs % publishCadenceMs != 0) {
            throw new ProtocolException(ErrorCode.INVALID_CONFIG, "publish_cadence_ms",
                    "must divide epoch_window_ms (" + epochWindowMs + " % " + publishCadenceMs + " = "
                            + epochWindowMs % publishCadenceMs + ")");
        }
        if (epochWindowMs / publishCadenceMs > Checks.U32_MAX) {
            throw new ProtocolException(ErrorCode.INVALID_CONFIG, "publish_cadence_ms",
                    "gives more than 2^32 ticks per epoch");
        }
    }

    /** The epoch containing {@code timeMs}. */
    public Epoch epochAt(long timeMs) {
        requireTime(timeMs);
        return epoch(timeMs / epochWindowMs);
    }

    /** The epoch with the given id. */
    public Epoch epoch(long epochId) {
        Checks.u64("epoch_id", epochId);
        if (epochId > (Long.MAX_VALUE - epochWindowMs) / epochWindowMs) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, "epoch_id", "window end would overflow u63 ms");
        }
        return new Epoch(epochId, epochId * epochWindowMs, epochId * epochWindowMs + epochWindowMs);
    }

    /** The tick containing {@code timeMs}: its epoch, index and [start, end). */
    public Tick tickAt(long timeMs) {
        Epoch epoch = epochAt(timeMs);
        long index = (timeMs - epoch.startMs()) / publishCadenceMs;
        long start = epoch.startMs() + index * publishCadenceMs;
        return new Tick(epoch, index, start, start + publishCadenceMs);
    }

    /** Ticks per epoch (exact, since the cadence divides the window). */
    public long ticksPerEpoch() {
        return epochWindowMs / publishCadenceMs;
    }

    /** True when an item claiming {@code (epochId, tick, start, end)} lies on this grid. */
    public boolean isConsistent(long epochId, long tick, long windowStartMs, long windowEndMs) {
        return epochId >= 0 && windowStartMs >= 0 && windowStartMs % epochWindowMs == 0
                && windowStartMs / epochWindowMs == epochId && windowEndMs - windowStartMs == epochWindowMs
                && tick >= 0 && tick < ticksPerEpoch();
    }

    private static void requireTime(long timeMs) {
        if (timeMs < 0) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, "time_ms",
                    "must be >= 0 (UTC ms since the epoch origin 0), got " + timeMs);
        }
    }

    /** One epoch: id and window {@code [startMs, endMs)}. */
    public record Epoch(long id, long startMs, long endMs) {
        public boolean contains(long timeMs) {
            return timeMs >= startMs && timeMs < endMs;
        }
    }

    /** One tick of an epoch: index within the epoch and span {@code [startMs, endMs)}. */
    public record Tick(Epoch epoch, long index, long startMs, long endMs) {}
}
