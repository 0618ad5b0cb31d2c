package com.m0club.signer.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * PEM files with the JDK alone: X.509 certificates ({@code -----BEGIN CERTIFICATE-----}, one or more) and unencrypted
 * PKCS#8 private keys ({@code -----BEGIN PRIVATE KEY-----}; EC, Ed25519 or RSA). A private key file must grant
 * nothing to group or others (as the signer key file): a readable TLS key is a leaked identity.
 *
 * <p>Writing refuses to overwrite: certificates are created {@code 0644}, keys {@code 0600}.
 */
public final class Pem {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";
    private static final int MAX_FILE_BYTES = 1 << 20;

    private Pem() {}

    /** Every certificate in {@code file}, in file order; at least one. */
    public static List<X509Certificate> readCertificates(Path file) {
        byte[] bytes = read(file);
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new TlsFileException(file, "holds no certificate (expected PEM -----BEGIN CERTIFICATE-----)");
            }
            return List.copyOf(out);
        } catch (CertificateException e) {
            throw new TlsFileException(file, "is not a PEM X.509 certificate file: " + e.getMessage(), e);
        }
    }

    /** The unencrypted PKCS#8 private key in {@code file}; refuses a group- or other-accessible file. */
    public static PrivateKey readPrivateKey(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
            extra.addAll(perms);
            extra.retainAll(GROUP_OR_OTHERS);
            if (!extra.isEmpty()) {
                throw new TlsFileException(file, "the private key is accessible by group or others (mode "
                        + PosixFilePermissions.toString(perms) + "); it must be owner-only: chmod 600 " + file);
            }
        } catch (UnsupportedOperationException e) {
            throw new TlsFileException(file, "the file system does not support POSIX permissions, so the key's "
                    + "owner-only access cannot be checked", e);
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot be read: " + e.getMessage(), e);
        }
        String text = new String(read(file), StandardCharsets.US_ASCII);
        int begin = text.indexOf(KEY_BEGIN);
        int end = text.indexOf(KEY_END);
        if (begin < 0 || end < begin) {
            String hint = text.contains("BEGIN EC PRIVATE KEY") || text.contains("BEGIN RSA PRIVATE KEY")
                    ? " (this is a SEC1/PKCS#1 key: convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.p8`,"
                            + " or set privateKey.encoding: PKCS8 in cert-manager)"
                    : text.contains("ENCRYPTED PRIVATE KEY") ? " (encrypted keys are not supported)" : "";
            throw new TlsFileException(file, "holds no unencrypted PKCS#8 key (expected " + KEY_BEGIN + ")" + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(file, "the PEM key is not valid base64", e);
        }
        try {
            for (String algorithm : List.of("EC", "Ed25519", "RSA")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException e) {
                    // try the next algorithm
                }
            }
            throw new TlsFileException(file, "the PKCS#8 key is not an EC, Ed25519 or RSA key");
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** Writes {@code certs} as PEM to a new file (mode 0644); refuses an existing file. */
    public static void writeCertificates(Path file, List<X509Certificate> certs) {
        StringBuilder text = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                text.append(pem("CERTIFICATE", c.getEncoded()));
            } catch (CertificateException e) {
                throw new TlsFileException(file, "certificate cannot be encoded: " + e.getMessage(), e);
            }
        }
        writeNew(file, text.toString().getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
    }

    /** Writes {@code key} as unencrypted PKCS#8 PEM to a new owner-only file (0600); refuses an existing file. */
    public static void writePrivateKey(Path file, PrivateKey key) {
        byte[] der = key.getEncoded();
        byte[] text = pem("PRIVATE KEY", der).getBytes(StandardCharsets.US_ASCII);
        try {
            writeNew(file, text, "rw-------");
        } finally {
            Arrays.fill(der, (byte) 0);
            Arrays.fill(text, (byte) 0);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void writeNew(Path file, byte[] content, String mode) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode)); // in case of a umask
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC)) {
                out.write(content);
            }
        } catch (FileAlreadyExistsException e) {
            throw new TlsFileException(file, "already exists; refusing to overwrite it", e);
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot be written: " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new TlsFileException(file, Files.exists(file) ? "is not a regular file" : "does not exist"
                        + " (create the dev files with `m0 signer tls-init --out DIR`)");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new TlsFileException(file, "is larger than " + MAX_FILE_BYTES + " bytes; not a PEM file");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot be read: " + e.getMessage(), e);
        }
    }
}
