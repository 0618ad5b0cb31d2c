package com.m0club.runtime.log;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in free text before it reaches a log line, an error message or a config listing. It is a
 * safety net, not the primary defence (secrets are typed and redacted by their owners' {@code toString}); it
 * catches what slips through: a URL with a password in an exception message, a {@code token=...} in a driver's
 * error, a JSON body echoed by a client.
 *
 * <p>Masks, each as {@code ***}:
 * <ul>
 *   <li>URL passwords: {@code scheme://user:secret@host} becomes {@code scheme://user:***@host};</li>
 *   <li>{@code key=value}, {@code key: value} and {@code "key":"value"} where the key contains
 *       {@code password, passwd, secret, token, api_key, api-key, apikey, private} or {@code seed};</li>
 *   <li>{@code Bearer <token>}.</li>
 * </ul>
 * It errs on the side of masking too much (e.g. {@code seeded=3}).
 */
public final class Redactor {

    /** What replaces a masked value. */
    public static final String MASK = "***";

    private static final String SENSITIVE = "(?:password|passwd|secret|token|api[_-]?key|apikey|private|seed)";

    private static final Pattern URL_PASSWORD =
            Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^\\s:/?#@]*):([^\\s/]+)@");

    private static final Pattern JSON_PAIR = Pattern.compile(
            "(?i)(\"[^\"\\\\]*" + SENSITIVE + "[^\"\\\\]*\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,}\\]]+)");

    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)(\\b[\\w.-]*" + SENSITIVE + "[\\w.-]*(?:\\s*=\\s*|:\\s+))"
                    + "(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|[^\\s,;&)}\\]]+)");

    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9._~+/=-]+");

    private static final Pattern SENSITIVE_KEY = Pattern.compile("(?i).*" + SENSITIVE + ".*");

    private Redactor() {
    }

    /** The text with every recognised credential masked; {@code ""} for null. */
    public static String redact(String text) {
        if (text == null) {
            return "";
        }
        if (text.indexOf('=') < 0 && text.indexOf(':') < 0
                && !text.toLowerCase(Locale.ROOT).contains("bearer")) {
            return text;
        }
        String result = URL_PASSWORD.matcher(text).replaceAll("$1:" + Matcher.quoteReplacement(MASK) + "@");
        result = JSON_PAIR.matcher(result).replaceAll("$1\"" + Matcher.quoteReplacement(MASK) + "\"");
        result = KEY_VALUE.matcher(result).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        result = BEARER.matcher(result).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        return result;
    }

    /** True if a field or parameter named {@code key} should never have its value shown. */
    public static boolean isSensitiveKey(String key) {
        return key != null && SENSITIVE_KEY.matcher(key).matches();
    }
}
