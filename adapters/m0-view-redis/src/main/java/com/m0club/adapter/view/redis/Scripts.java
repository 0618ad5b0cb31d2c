package com.m0club.adapter.view.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts that make every cache write conditional on the {@link OrderKey}, so a late or redelivered older
 * value never replaces a newer one, whatever the order writers reach Redis in. Each runs atomically in Redis.
 *
 * <p>A market's entry is the hash {@code <prefix>{<market>}:latest} with the fields {@code ord} (the order key of
 * the newest value seen, kept by a tombstone), {@code bundle} (its bundle hash, hex), {@code body} (its
 * {@link Envelope}), {@code at} (Redis server time of the last change, microseconds) and {@code pub} (the order key
 * of the newest value published on the fan-out channel). A tombstone is an entry without {@code bundle} and
 * {@code body}: its value was withdrawn, nothing is served from the cache, and only a newer value replaces it. The
 * set {@code <prefix>{<market>}:withdrawn} holds the bundles withdrawn for the market: their values are never stored
 * or published again.
 */
final class Scripts {
    private Scripts() {}

    private static final String PRELUDE = """
            local function parse(s)
              local a, b, c = string.match(s, '^(%d+):(%d+):([01])$')
              if not a then error('order key ' .. tostring(s) .. ': must be slot:sequence:0|1') end
              return {tonumber(a), tonumber(b), tonumber(c)}
            end
            local function newer(x, y)
              if not y then return true end
              local p, q = parse(x), parse(y)
              for i = 1, 3 do
                if p[i] ~= q[i] then return p[i] > q[i] end
              end
              return false
            end
            local function now()
              local t = redis.call('TIME')
              return t[1] .. string.format('%06d', tonumber(t[2]))
            end
            """;

    /**
     * PUT: KEYS latest, withdrawn; ARGV ord, bundle hex, envelope, publish ('1' or '0'), channel. Stores the value
     * when it is newer than the entry's {@code ord} (bit 1), and with publish '1' publishes it on the channel when it
     * is newer than the entry's {@code pub} (bit 2): each value is published once, also when a read-through stored it
     * first. A value of a withdrawn bundle is neither (-1).
     */
    static final Script PUT = new Script("put", PRELUDE + """
            if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 1 then return -1 end
            local cur = redis.call('HMGET', KEYS[1], 'ord', 'pub')
            local result = 0
            if newer(ARGV[1], cur[1]) then
              redis.call('HSET', KEYS[1], 'ord', ARGV[1], 'bundle', ARGV[2], 'body', ARGV[3], 'at', now())
              result = 1
            end
            if ARGV[4] == '1' and newer(ARGV[1], cur[2]) then
              redis.call('HSET', KEYS[1], 'pub', ARGV[1])
              redis.call('PUBLISH', ARGV[5], ARGV[3])
              result = result + 2
            end
            return result
            """);

    /**
     * SYNC: KEYS latest, withdrawn; ARGV PostgreSQL's ord ('' when it serves nothing), bundle hex, envelope, the
     * Redis time (microseconds) before PostgreSQL was read ('0': never tombstone). Makes the entry agree with what
     * PostgreSQL serves: stores PostgreSQL's value when newer (1); or, when the entry holds a value PostgreSQL no
     * longer serves (it serves nothing or an older value) and that entry was written before the read began (so
     * PostgreSQL had it then and has withdrawn it since), turns the entry into a tombstone and records the bundle as
     * withdrawn (4). An entry written after the read began is newer than the read and left alone (0).
     */
    static final Script SYNC = new Script("sync", PRELUDE + """
            local cur = redis.call('HMGET', KEYS[1], 'ord', 'bundle', 'at')
            if ARGV[1] ~= '' and redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 0 and newer(ARGV[1], cur[1]) then
              redis.call('HSET', KEYS[1], 'ord', ARGV[1], 'bundle', ARGV[2], 'body', ARGV[3], 'at', now())
              return 1
            end
            if cur[2] and cur[2] ~= ARGV[2] and (ARGV[1] == '' or newer(cur[1], ARGV[1]))
                and tonumber(cur[3]) < tonumber(ARGV[4]) then
              redis.call('HDEL', KEYS[1], 'bundle', 'body')
              redis.call('HSET', KEYS[1], 'at', now())
              redis.call('SADD', KEYS[2], cur[2])
              return 4
            end
            return 0
            """);

    /**
     * WITHDRAW: KEYS latest, withdrawn; ARGV bundle hex, channel, envelope. Records the bundle as withdrawn, turns
     * the entry into a tombstone when it holds that bundle's value (1, else 0), and publishes the withdrawal.
     */
    static final Script WITHDRAW = new Script("withdraw", PRELUDE + """
            redis.call('SADD', KEYS[2], ARGV[1])
            local result = 0
            if redis.call('HGET', KEYS[1], 'bundle') == ARGV[1] then
              redis.call('HDEL', KEYS[1], 'bundle', 'body')
              redis.call('HSET', KEYS[1], 'at', now())
              result = 1
            end
            redis.call('PUBLISH', ARGV[2], ARGV[3])
            return result
            """);

    /** A script and its SHA-1: run by digest, sent whole once when Redis does not know it (after a restart). */
    record Script(String name, String source, String sha) {
        Script(String name, String source) {
            this(name, source, sha1(source));
        }

        long run(RedisCommands<byte[], byte[]> commands, byte[][] keys, byte[]... args) {
            Long result;
            try {
                result = commands.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
            } catch (RedisNoScriptException e) {
                result = commands.eval(source.getBytes(StandardCharsets.UTF_8), ScriptOutputType.INTEGER, keys,
                        args);
            }
            return result == null ? 0 : result;
        }

        private static String sha1(String source) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(source.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JDK", e);
            }
        }
    }
}
