package com.m0club.engine.bundle;

import com.m0club.engine.quant.ModelOutput;
import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.id.MarketId;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns one round's model outputs into a {@link Bundle} (docs/quant.md, "Bundle"). A pure function: the same outputs
 * and header values give a bundle with the same bytes, whatever order the outputs arrive in.
 *
 * <p>Selection rule, per market:
 * <ol>
 *   <li>blocked outputs are skipped (a blocked tick publishes nothing);</li>
 *   <li>of the rest, the latest tick wins: the greatest (epoch_id, tick);</li>
 *   <li>two outputs for the same (market, epoch, tick), which only a retry or a replay produces, are decided by the
 *       later {@code producedAtMs}, then by the larger encoded item bytes (unsigned), so the choice never depends on
 *       arrival order.</li>
 * </ol>
 * Which outputs belong to the round (for example, ticks ending inside it) is the caller's choice; the assembler uses
 * what it is given. Thread-safe (stateless).
 */
public final class BundleAssembler {
    private static final Comparator<ModelOutput> LATEST = Comparator
            .comparingLong(ModelOutput::epochId)
            .thenComparingLong(ModelOutput::tick)
            .thenComparingLong(ModelOutput::producedAtMs)
            .thenComparing((a, b) -> Arrays.compareUnsigned(BundleCodec.encodeItem(a.toBundleItem()),
                    BundleCodec.encodeItem(b.toBundleItem())));

    public BundleAssembler() {}

    /**
     * The round's bundle, or empty when no publishable output is left (then the round is skipped and no sequence is
     * spent).
     */
    public Optional<Bundle> assemble(List<ModelOutput> outputs, long signerSetId, long sequence, long roundStartMs,
            long roundEndMs, long producedAtMs) {
        BundleHeader header = new BundleHeader(signerSetId, sequence, roundStartMs, roundEndMs, producedAtMs);
        List<BundleItem> items = select(outputs).stream().map(ModelOutput::toBundleItem).toList();
        return items.isEmpty() ? Optional.empty() : Optional.of(Bundle.of(header, items));
    }

    /** The outputs the selection rule keeps, one per market, in canonical market order. */
    public List<ModelOutput> select(List<ModelOutput> outputs) {
        Objects.requireNonNull(outputs, "outputs");
        Map<MarketId, ModelOutput> best = new TreeMap<>();
        for (ModelOutput o : outputs) {
            Objects.requireNonNull(o, "outputs[i]");
            if (o.isBlocked()) {
                continue;
            }
            best.merge(o.market(), o, (a, b) -> LATEST.compare(a, b) >= 0 ? a : b);
        }
        return List.copyOf(best.values());
    }
}
