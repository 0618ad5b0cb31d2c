package com.m0club.backtest;

/**
 * What one backtest run did.
 *
 * @param quotes well-formed quotes read from the file
 * @param accepted quotes ingest accepted
 * @param rejected quotes ingest rejected (unknown market, bad numbers, too old...) or dropped as duplicates
 * @param malformed lines skipped because they are not a valid quote record
 * @param ticks distinct tick times evaluated (over all markets)
 * @param outputs lines written to {@code outputs.jsonl} (one per market per tick)
 * @param published outputs with a distribution
 * @param blocked outputs blocked by the guardrails
 * @param bytesRead bytes of the quotes file read
 * @param report whether {@code report.json} and {@code report.html} were written
 */
public record BacktestSummary(long quotes, long accepted, long rejected, long malformed, long ticks, long outputs,
        long published, long blocked, long bytesRead, boolean report) {}
