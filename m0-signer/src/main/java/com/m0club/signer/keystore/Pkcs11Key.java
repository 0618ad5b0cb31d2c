package com.m0club.signer.keystore;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC_EDWARDS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EDDSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EC_POINT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.StaticLogger;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenException;

/**
 * An Ed25519 key inside a PKCS#11 token (an HSM, a cloud KMS's PKCS#11 library, or SoftHSM2 in tests): the private
 * key never leaves the token; each digest is signed with {@code CKM_EDDSA}. JDK 25's SunPKCS11 provider has no
 * EdDSA (no Ed25519 key factory or signature), so the calls go through XiPKI's {@code ipkcs11wrapper} (Apache 2.0,
 * Maven Central {@code org.xipki:ipkcs11wrapper}, bundling the IAIK PKCS#11 JNI wrapper).
 *
 * <p>At open: the module is initialized, the slot found by token label (or {@code slot-id}), one session opened and
 * logged in as the user with the PIN from the PIN file (owner-only, never logged), the private key with label
 * {@code object} and its public key (same label, {@code CKA_EC_POINT}) found, each exactly once, and a test digest
 * signed and verified against the public key (a mismatched pair refuses to start). Every signature is verified
 * before it is returned. Signing is serialized on the one session.
 */
public final class Pkcs11Key implements AgentKey {
    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Key.class);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    static {
        StaticLogger.setLogger(new Slf4jBridge());
    }

    private final KeySource.Pkcs11 source;
    private final PKCS11Module module;
    private final Session session;
    private final long privateKey;
    private final SignerKey publicKey;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    private Pkcs11Key(KeySource.Pkcs11 source, PKCS11Module module, Session session, long privateKey,
            SignerKey publicKey) {
        this.source = source;
        this.module = module;
        this.session = session;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    static Pkcs11Key open(KeySource.Pkcs11 source) {
        char[] pin = readPin(source.pinFile());
        if (!Files.isRegularFile(source.module())) {
            throw new KeySourceException("pkcs11: module-path " + source.module() + " does not exist");
        }
        PKCS11Module module;
        try {
            module = PKCS11Module.getInstance(source.module().toString());
            module.initialize();
        } catch (IOException | TokenException | RuntimeException e) {
            throw new KeySourceException("pkcs11: module " + source.module() + " could not be loaded: " + e, e);
        }
        Session session = null;
        try {
            Token token = findToken(module, source);
            session = token.openSession(false);
            session.login(CKU_USER, pin);
            long[] privates = session.findObjectsSingle(new AttributeVector().class_(CKO_PRIVATE_KEY)
                    .keyType(CKK_EC_EDWARDS).label(source.object()), 2);
            if (privates.length != 1) {
                throw new KeySourceException("pkcs11: " + (privates.length == 0 ? "no" : "more than one")
                        + " Ed25519 private key labelled '" + source.object() + "' in " + describe(source));
            }
            long[] publics = session.findObjectsSingle(new AttributeVector().class_(CKO_PUBLIC_KEY)
                    .keyType(CKK_EC_EDWARDS).label(source.object()), 2);
            if (publics.length != 1) {
                throw new KeySourceException("pkcs11: " + (publics.length == 0 ? "no" : "more than one")
                        + " Ed25519 public key labelled '" + source.object() + "' in " + describe(source)
                        + " (the agent needs it to prove it is a member of the signer set)");
            }
            SignerKey pub = SignerKey.of(rawPoint(session.getAttrValues(publics[0], CKA_EC_POINT).ecPoint(),
                    source));
            Pkcs11Key key = new Pkcs11Key(source, module, session, privates[0], pub);
            key.sign(Hash32.of(new byte[32])); // proves the pair: sign() verifies against the public key
            LOG.info("signer key in PKCS#11 token: {} (public key {})", describe(source), pub.toHex());
            return key;
        } catch (TokenException e) {
            closeQuietly(module, session);
            throw new KeySourceException("pkcs11: " + describe(source) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(module, session);
            throw e;
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    @Override
    public SignerKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(Hash32 digest) {
        byte[] sig;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("PKCS#11 key " + describe() + " is closed");
            }
            sig = session.signSingle(new Mechanism(CKM_EDDSA), privateKey, digest.toByteArray());
        } catch (TokenException e) {
            throw new IllegalStateException("PKCS#11 sign with " + describe() + " failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        if (sig == null || sig.length != 64 || !SignerSignature.of(publicKey, sig).verifies(digest)) {
            throw new IllegalStateException("PKCS#11 token " + describe() + " returned a signature that does not"
                    + " verify under its own public key " + publicKey.toHex());
        }
        return sig;
    }

    @Override
    public String describe() {
        return describe(source);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly(module, session);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Pkcs11Key[" + describe() + ", public=" + publicKey.toHex() + ", private=<in the token>]";
    }

    private static String describe(KeySource.Pkcs11 s) {
        return "module " + s.module() + ", " + s.token().map(t -> "token '" + t + "'").orElse("")
                + (s.slot().isPresent() ? " slot " + s.slot().getAsLong() : "") + ", key '" + s.object() + "'";
    }

    private static Token findToken(PKCS11Module module, KeySource.Pkcs11 source) throws TokenException {
        Optional<Token> found = Optional.empty();
        for (Slot slot : module.getSlotList(true)) {
            if (source.slot().isPresent() && slot.getSlotID() != source.slot().getAsLong()) {
                continue;
            }
            Token token = slot.getToken();
            if (source.token().isPresent() && !token.getTokenInfo().getLabel().strip().equals(source.token().get())) {
                continue;
            }
            if (found.isPresent()) {
                throw new KeySourceException("pkcs11: more than one slot matches " + describe(source)
                        + "; add slot-id=<n>");
            }
            found = Optional.of(token);
        }
        return found.orElseThrow(() -> new KeySourceException("pkcs11: no token matches " + describe(source)));
    }

    /** CKA_EC_POINT of an Ed25519 key: the 32 raw bytes, or a DER OCTET STRING around them. */
    private static byte[] rawPoint(byte[] point, KeySource.Pkcs11 source) {
        if (point != null && point.length == 34 && point[0] == 0x04 && point[1] == 32) {
            return Arrays.copyOfRange(point, 2, 34);
        }
        if (point == null || point.length != 32) {
            throw new KeySourceException("pkcs11: the public key '" + source.object() + "' has a CKA_EC_POINT of "
                    + (point == null ? "none" : point.length + " bytes") + "; an Ed25519 key has 32");
        }
        return point;
    }

    private static char[] readPin(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new KeySourceException("pkcs11: PIN file " + file + " does not exist");
            }
            Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
            perms.addAll(Files.getPosixFilePermissions(file));
            Set<PosixFilePermission> all = Set.copyOf(perms);
            perms.retainAll(GROUP_OR_OTHERS);
            if (!perms.isEmpty()) {
                throw new KeySourceException("pkcs11: PIN file " + file + " is accessible by group or others (mode "
                        + PosixFilePermissions.toString(all) + "); chmod 600 " + file);
            }
            byte[] bytes = Files.readAllBytes(file);
            try {
                String text = new String(bytes, StandardCharsets.UTF_8).strip();
                if (text.isEmpty()) {
                    throw new KeySourceException("pkcs11: PIN file " + file + " is empty");
                }
                return text.toCharArray();
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        } catch (IOException e) {
            throw new KeySourceException("pkcs11: PIN file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(PKCS11Module module, Session session) {
        try {
            if (session != null) {
                session.closeSession();
            }
        } catch (TokenException | RuntimeException e) {
            LOG.debug("closing the PKCS#11 session failed", e);
        }
        try {
            module.finalize(null);
        } catch (TokenException | RuntimeException e) {
            LOG.debug("finalizing the PKCS#11 module failed", e);
        }
    }

    /** The wrapper's own log lines at DEBUG (its INFO lines trace every call), its warnings and errors as such. */
    private static final class Slf4jBridge implements org.xipki.pkcs11.wrapper.Logger {
        private static final Logger W = LoggerFactory.getLogger("org.xipki.pkcs11.wrapper");

        @Override
        public void info(String format, Object... args) {
            W.debug(format, args);
        }

        @Override
        public void warn(String format, Object... args) {
            W.warn(format, args);
        }

        @Override
        public void error(String format, Object... args) {
            W.error(format, args);
        }

        @Override
        public void debug(String format, Object... args) {
            W.debug(format, args);
        }

        @Override
        public void trace(String format, Object... args) {
            W.trace(format, args);
        }

        @Override
        public boolean isDebugEnabled() {
            return W.isDebugEnabled();
        }

        @Override
        public boolean isInfoEnabled() {
            return W.isDebugEnabled();
        }

        @Override
        public boolean isWarnEnabled() {
            return W.isWarnEnabled();
        }

        @Override
        public boolean isTraceEnabled() {
            return W.isTraceEnabled();
        }
    }
}
