package com.m0club.app.testing;

import com.m0club.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs an {@code m0} command in the test JVM with a given environment and keeps what it printed. */
public final class M0Run {
    private M0Run() {}

    /** An {@code m0} command's exit code and output. */
    public record Result(int code, String out, String err) {}

    public static Result run(Map<String, String> env, String... argv) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(List.of(argv), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
