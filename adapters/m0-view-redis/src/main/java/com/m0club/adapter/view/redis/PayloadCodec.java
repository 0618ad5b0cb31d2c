package com.m0club.adapter.view.redis;

import java.util.Objects;
import java.util.function.Function;

/**
 * How one record type travels through Redis: the deterministic bytes of the record and their schema version. The
 * adapter does not define its own format: m0-app hands it the codecs of the event log topics ({@code m0.published},
 * {@code m0.withdrawn} in m0-publish's {@code PublishTopics}), so a value in the cache or on the fan-out channel is
 * byte for byte the record the event log carries.
 *
 * @param version the record schema version, >= 1; a payload of another version is refused (counted as a decode
 *     error), never decoded silently
 * @param encoder the record's bytes
 * @param decoder the record of some bytes; throws a {@link RuntimeException} naming the field on malformed input
 */
public record PayloadCodec<T>(int version, Function<T, byte[]> encoder, Function<byte[], T> decoder) {
    public PayloadCodec {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        if (version < 1) {
            throw new IllegalArgumentException("version: must be >= 1, got " + version);
        }
    }
}
