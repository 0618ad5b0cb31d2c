package com.m0club.app.cli;

import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.runtime.config.Profile;
import com.m0club.signer.agent.SignerConfigFile;
import com.m0club.store.postgres.Database;
import com.m0club.store.registry.MarketRegistryStore;
import com.m0club.store.registry.SignerSetStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code m0 signer-set}: the signer sets as operations, on the database every node reads them from.
 * <ul>
 *   <li>{@code register --id N --threshold M --key HEX[,HEX...] [--activate-at MS]}: stores a new set. Without
 *       {@code --activate-at} it is ACTIVE at once; with it, PENDING until then. Staging and prod refuse a threshold
 *       below 2. Registering the same set again is a no-op; another set under a used id is refused.</li>
 *   <li>{@code list}: every set with its status, threshold, activation and keys.</li>
 *   <li>{@code agent-config --id N --out FILE}: the signer config a standalone agent of that set reads
 *       ({@code M0_SIGNER_CONFIG}): the set and the registry's markets, written 0644, never over an existing
 *       file.</li>
 * </ul>
 */
public final class SignerSetCommand {
    private SignerSetCommand() {}

    /** What the command needs from the caller: the database and the config's profile. */
    public interface Context {
        Database database();

        Profile profile();
    }

    public static int run(List<String> argv, Context ctx, PrintStream out) {
        Args args = Args.parse("signer-set", argv, Set.of());
        String sub = args.positional(0, "subcommand (register|list|agent-config)");
        return switch (sub) {
            case "register" -> register(args, ctx, out);
            case "list" -> {
                args.rejectUnknown();
                yield list(ctx, out);
            }
            case "agent-config" -> agentConfig(args, ctx, out);
            default -> throw new Args.UsageException("signer-set: unknown subcommand '" + sub
                    + "' (register, list, agent-config)");
        };
    }

    private static long number(Args args, String name, String what) {
        String text = args.required(name, what);
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new Args.UsageException("signer-set: --" + name + " must be an integer, got '" + text + "'");
        }
    }

    private static int register(Args args, Context ctx, PrintStream out) {
        long id = number(args, "id", "the signer set id (u32)");
        long threshold = number(args, "threshold", "how many distinct signatures a bundle needs");
        String keysText = args.required("key", "the members' Ed25519 public keys, hex, comma-separated");
        long activateAt = args.option("activate-at").map(t -> {
            try {
                return Long.parseLong(t.strip());
            } catch (NumberFormatException e) {
                throw new Args.UsageException("signer-set: --activate-at must be epoch milliseconds, got '" + t + "'");
            }
        }).orElse(0L);
        args.rejectUnknown();
        if (threshold < 2 && ctx.profile() != Profile.DEV) {
            throw new Args.UsageException("signer-set register: --threshold " + threshold + " is refused in "
                    + ctx.profile().name().toLowerCase(java.util.Locale.ROOT)
                    + ": outside dev a set needs at least 2 signatures (one stolen key must not publish)");
        }
        List<SignerKey> keys = new ArrayList<>();
        String[] parts = keysText.split(",");
        for (int i = 0; i < parts.length; i++) {
            try {
                keys.add(SignerKey.fromHex(parts[i].strip()));
            } catch (ProtocolException e) {
                throw new Args.UsageException("signer-set register: --key #" + (i + 1) + ": " + e.rule());
            }
        }
        SignerSet set;
        try {
            SignerSet.Builder b = SignerSet.builder().id(id).threshold(Math.toIntExact(threshold)).keys(keys)
                    .status(activateAt > 0 ? SignerSetStatus.PENDING : SignerSetStatus.ACTIVE)
                    .activationMs(activateAt);
            if (threshold == 1) {
                b.allowSingleSigner();
            }
            set = b.build();
        } catch (ProtocolException e) {
            throw new Args.UsageException("signer-set register: " + e.field() + ": " + e.rule());
        } catch (ArithmeticException e) {
            throw new Args.UsageException("signer-set register: --threshold is out of range");
        }
        boolean inserted = new SignerSetStore(ctx.database(), InstantSource.system()).insert(set);
        out.println((inserted ? "registered" : "already registered") + " signer set " + set.id() + ": "
                + set.threshold() + " of " + set.keys().size() + ", " + set.status()
                + (activateAt > 0 ? " until " + java.time.Instant.ofEpochMilli(activateAt) : ""));
        return 0;
    }

    private static int list(Context ctx, PrintStream out) {
        for (SignerSet s : new SignerSetStore(ctx.database(), InstantSource.system()).list()) {
            out.println(s.id() + " " + s.status() + " " + s.threshold() + "-of-" + s.keys().size() + " activation_ms="
                    + s.activationMs() + " keys=" + s.keys().stream().map(SignerKey::toHex).toList());
        }
        return 0;
    }

    private static int agentConfig(Args args, Context ctx, PrintStream out) {
        long id = number(args, "id", "the signer set id");
        Path file = Path.of(args.required("out", "where to write the agent's signer config"));
        args.rejectUnknown();
        SignerSet set = new SignerSetStore(ctx.database(), InstantSource.system()).get(id).orElseThrow(
                () -> new Args.UsageException("signer-set agent-config: signer set " + id + " is not registered"
                        + " (m0 signer-set register)"));
        String json = SignerConfigFile.render(set, new MarketRegistryStore(ctx.database(), InstantSource.system())
                .list());
        try {
            Files.writeString(file, json, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new Args.UsageException("signer-set agent-config: " + file + " exists; it is never overwritten");
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
        out.println("wrote " + file + " (signer set " + id + ", " + json.chars().filter(c -> c == '\n').count()
                + " lines)");
        return 0;
    }
}
