package com.m0club.runtime.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.event.KeyValuePair;

/**
 * Logback encoder writing one JSON object per line, the format log pipelines ingest without parsing rules:
 * {@code ts} (ISO-8601 UTC, milliseconds), {@code level}, {@code logger}, {@code thread}, {@code msg}, then MDC
 * entries and SLF4J key-value pairs as top-level fields (e.g. {@code trace_id}, {@code market_id}), then
 * {@code exception} as {@code {"class","message","stack"}}.
 *
 * <p>All text passes through {@link Redactor}; a field whose name looks sensitive has its value replaced
 * outright. A field that would collide with a fixed field is written as {@code mdc_<name>}.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> FIXED = Set.of("ts", "level", "logger", "thread", "msg", "exception");
    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("ts", TIMESTAMP.format(Instant.ofEpochMilli(event.getTimeStamp())));
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            json.writeStringField("msg", Redactor.redact(event.getFormattedMessage()));
            Map<String, String> fields = new TreeMap<>();
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null) {
                fields.putAll(mdc);
            }
            List<KeyValuePair> pairs = event.getKeyValuePairs();
            if (pairs != null) {
                for (KeyValuePair pair : pairs) {
                    fields.put(pair.key, String.valueOf(pair.value));
                }
            }
            for (Map.Entry<String, String> field : fields.entrySet()) {
                String name = FIXED.contains(field.getKey()) ? "mdc_" + field.getKey() : field.getKey();
                String value = Redactor.isSensitiveKey(field.getKey()) ? Redactor.MASK
                        : Redactor.redact(field.getValue());
                json.writeStringField(name, value);
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                json.writeObjectFieldStart("exception");
                json.writeStringField("class", thrown.getClassName());
                json.writeStringField("message", Redactor.redact(thrown.getMessage()));
                json.writeStringField("stack", Redactor.redact(ThrowableProxyUtil.asString(thrown)));
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            // Writing to a ByteArrayOutputStream does not fail; this would be a Jackson bug.
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
