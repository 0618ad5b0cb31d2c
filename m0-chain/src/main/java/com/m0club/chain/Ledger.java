package com.m0club.chain;

/**
 * The whole ledger: the four narrow ports ({@link LedgerWriter}, {@link LedgerReader}, {@link LedgerEvents},
 * {@link LedgerAdmin}) plus {@link #close}. Only composition code (the app, which opens and closes the ledger) and
 * tests hold a {@code Ledger}; every service takes the ports it uses. Two implementations follow
 * the same rules (docs/protocol.md, "Signer sets and replay protection" and "Commit, reveal, finalize"): the local ledger
 * ({@code com.m0club.chain.local.LocalLedger}), which enforces them in process for dev and tests, and the Solana
 * adapter, where the {@code m0_oracle} program enforces them on chain. The vocabulary is Solana's: slots, ledger
 * time, transaction ids, events read back in order.
 *
 * <p>Every state-changing call is idempotent: repeating a call that already succeeded returns the original receipt
 * and changes nothing, so a submitter that lost a response simply retries. A call the rules refuse throws
 * {@link LedgerRejection} with a stable reason. Transport failures (an adapter that cannot reach its cluster, a
 * journal that cannot be written) surface as {@link java.io.UncheckedIOException} or {@link IllegalStateException},
 * never as a rejection: they say nothing about the bundle.
 *
 * <p>Not here yet: {@code revealItem(commitHash, headerBytes, itemBytes, merkleProof, signatures)}, the
 * item-by-item reveal against the committed bundle hash that Solana needs when a whole bundle does not fit one
 * transaction. The local ledger has no size limit of that kind, and the method belongs with the Solana adapter.
 */
public interface Ledger extends LedgerWriter, LedgerReader, LedgerEvents, LedgerAdmin, AutoCloseable {

    /** Releases what the ledger holds (files, locks, connections). Idempotent. */
    @Override
    void close();
}
