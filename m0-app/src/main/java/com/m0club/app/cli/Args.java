package com.m0club.app.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of one subcommand: positionals and {@code --name value} / {@code --name=value} options, with
 * {@code --flag} for booleans. Deliberately small: no reflection, no annotations. Every option a command reads is
 * marked as known, and {@link #rejectUnknown()} turns a typo into an error that lists what the command accepts.
 */
public final class Args {
    private final List<String> positionals = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Set<String> known = new HashSet<>();
    private final String command;

    private Args(String command) {
        this.command = command;
    }

    /** Parses {@code argv}; {@code flags} are the options that take no value. */
    public static Args parse(String command, List<String> argv, Set<String> flags) {
        Args a = new Args(command);
        for (int i = 0; i < argv.size(); i++) {
            String s = argv.get(i);
            if (s.startsWith("--") && s.length() > 2) {
                String body = s.substring(2);
                int eq = body.indexOf('=');
                if (eq >= 0) {
                    a.options.put(body.substring(0, eq), body.substring(eq + 1));
                } else if (flags.contains(body)) {
                    a.options.put(body, "true");
                } else {
                    if (i + 1 >= argv.size()) {
                        throw new UsageException(command + ": option --" + body + " needs a value");
                    }
                    a.options.put(body, argv.get(++i));
                }
            } else {
                a.positionals.add(s);
            }
        }
        return a;
    }

    public Optional<String> option(String name) {
        known.add(name);
        return Optional.ofNullable(options.get(name));
    }

    public String required(String name, String what) {
        return option(name).orElseThrow(() -> new UsageException(command + ": --" + name + " is required (" + what
                + ")"));
    }

    public boolean flag(String name) {
        known.add(name);
        return "true".equals(options.get(name));
    }

    public List<String> positionals() {
        return List.copyOf(positionals);
    }

    public String positional(int index, String what) {
        if (index >= positionals.size()) {
            throw new UsageException(command + ": missing " + what);
        }
        return positionals.get(index);
    }

    /** Fails on any option no accessor asked for (call after reading every option). */
    public void rejectUnknown() {
        for (String name : options.keySet()) {
            if (!known.contains(name)) {
                throw new UsageException(command + ": unknown option --" + name + " (accepted: "
                        + known.stream().sorted().map(k -> "--" + k).toList() + ")");
            }
        }
    }

    /** A command line that cannot be run as written; printed without a stack trace, exit code 2. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
