package com.m0club.signer.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues X.509 v3 certificates with the JDK alone (ECDSA P-256 keys, SHA256withECDSA): the dev CA of
 * {@code m0 signer tls-init} and {@code m0 dev}, the agents' server certificates and the bundler's client
 * certificate. The JDK has no public API to create a certificate, so the DER is written here ({@link Der}); the
 * result is parsed back with the JDK's {@link CertificateFactory}, so a malformed encoding fails at once.
 *
 * <p>What a certificate gets: version 3, a random 127-bit serial, validity from one hour ago (clock skew) for the
 * requested duration, subject {@code O=M0Club, CN=<cn>}, subject and authority key identifiers, and either CA
 * extensions (basicConstraints CA:true pathLen 0, keyUsage keyCertSign + cRLSign, both critical) or leaf extensions
 * (keyUsage digitalSignature, critical; extendedKeyUsage serverAuth and/or clientAuth; subjectAltName DNS, IP and
 * URI names). P-256 with ECDSA is what every TLS 1.3 stack (JDK, OpenSSL, Go) negotiates.
 */
public final class CertificateBuilder {
    private static final String EC_PUBLIC_KEY_SIGNATURE = "SHA256withECDSA";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String CN = "2.5.4.3";
    private static final String O = "2.5.4.10";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String SUBJECT_KEY_ID = "2.5.29.14";
    private static final String AUTHORITY_KEY_ID = "2.5.29.35";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    /** What the certificate is for. */
    public enum Usage { CA, SERVER, CLIENT, SERVER_AND_CLIENT }

    private final String commonName;
    private final Usage usage;
    private final List<String> dnsNames = new ArrayList<>();
    private final List<String> ipAddresses = new ArrayList<>();
    private final List<String> uris = new ArrayList<>();
    private Duration validity = Duration.ofDays(365);
    private ZonedDateTime now = ZonedDateTime.now();
    private SecureRandom random = new SecureRandom();

    private CertificateBuilder(String commonName, Usage usage) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("certificate commonName: must not be blank");
        }
        this.commonName = commonName;
        this.usage = Objects.requireNonNull(usage, "usage");
    }

    public static CertificateBuilder of(String commonName, Usage usage) {
        return new CertificateBuilder(commonName, usage);
    }

    /** A fresh ECDSA P-256 key pair. */
    public static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate EC P-256 keys: " + e.getMessage(), e);
        }
    }

    public CertificateBuilder dns(String... names) {
        for (String n : names) {
            if (n == null || n.isBlank() || !n.matches("[A-Za-z0-9*.-]+")) {
                throw new IllegalArgumentException("certificate DNS name: must be letters, digits, '.', '-', got '"
                        + n + "'");
            }
            dnsNames.add(n);
        }
        return this;
    }

    public CertificateBuilder ip(String... addresses) {
        ipAddresses.addAll(Arrays.asList(addresses));
        return this;
    }

    public CertificateBuilder uri(String... values) {
        uris.addAll(Arrays.asList(values));
        return this;
    }

    public CertificateBuilder validity(Duration validity) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("certificate validity: must be > 0, got " + validity);
        }
        this.validity = validity;
        return this;
    }

    /** The issuing time (tests pass a fixed or past time to make expired certificates). */
    public CertificateBuilder now(ZonedDateTime now) {
        this.now = Objects.requireNonNull(now, "now");
        return this;
    }

    public CertificateBuilder random(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
    }

    /** A self-signed certificate for {@code keys} (a CA's own certificate). */
    public X509Certificate selfSigned(KeyPair keys) {
        return build(keys.getPublic(), name(), keys.getPublic(), keys.getPrivate());
    }

    /** A certificate for {@code subjectKey} issued by {@code issuer} (whose private key is {@code issuerKey}). */
    public X509Certificate issuedBy(PublicKey subjectKey, X509Certificate issuer, PrivateKey issuerKey) {
        return build(subjectKey, issuer.getSubjectX500Principal().getEncoded(), issuer.getPublicKey(), issuerKey);
    }

    private byte[] name() {
        return Der.sequence(
                Der.set(Der.sequence(Der.oid(O), Der.utf8("M0Club"))),
                Der.set(Der.sequence(Der.oid(CN), Der.utf8(commonName))));
    }

    private X509Certificate build(PublicKey subjectKey, byte[] issuerName, PublicKey issuerPublic,
            PrivateKey issuerKey) {
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        BigInteger serial = new BigInteger(127, random).setBit(126);
        List<byte[]> extensions = new ArrayList<>();
        byte[] ski = keyId(subjectKey);
        extensions.add(extension(SUBJECT_KEY_ID, false, Der.octetString(ski)));
        extensions.add(extension(AUTHORITY_KEY_ID, false,
                Der.sequence(Der.context(0, false, keyId(issuerPublic)))));
        if (usage == Usage.CA) {
            extensions.add(extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true), Der.integer(0))));
            extensions.add(extension(KEY_USAGE, true, Der.namedBits(5, 6)));
        } else {
            extensions.add(extension(KEY_USAGE, true, Der.namedBits(0)));
            List<byte[]> eku = new ArrayList<>();
            if (usage == Usage.SERVER || usage == Usage.SERVER_AND_CLIENT) {
                eku.add(Der.oid(SERVER_AUTH));
            }
            if (usage == Usage.CLIENT || usage == Usage.SERVER_AND_CLIENT) {
                eku.add(Der.oid(CLIENT_AUTH));
            }
            extensions.add(extension(EXTENDED_KEY_USAGE, false, Der.sequence(eku.toArray(byte[][]::new))));
            List<byte[]> names = new ArrayList<>();
            dnsNames.forEach(d -> names.add(Der.context(2, false, d.getBytes(StandardCharsets.US_ASCII))));
            for (String ip : ipAddresses) {
                names.add(Der.context(7, false, ipBytes(ip)));
            }
            uris.forEach(u -> names.add(Der.context(6, false, u.getBytes(StandardCharsets.US_ASCII))));
            if (!names.isEmpty()) {
                extensions.add(extension(SUBJECT_ALT_NAME, false, Der.sequence(names.toArray(byte[][]::new))));
            }
        }
        byte[] tbs = Der.sequence(
                Der.context(0, true, Der.integer(2)),
                Der.integer(serial),
                algorithm,
                issuerName,
                Der.sequence(Der.time(now.minusHours(1)), Der.time(now.plus(validity))),
                name(),
                subjectKey.getEncoded(),
                Der.context(3, true, Der.sequence(extensions.toArray(byte[][]::new))));
        try {
            Signature signer = Signature.getInstance(EC_PUBLIC_KEY_SIGNATURE);
            signer.initSign(issuerKey);
            signer.update(tbs);
            byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("certificate for CN=" + commonName + " could not be signed: "
                    + e.getMessage(), e);
        }
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    /** 20 bytes of SHA-256 over the SubjectPublicKeyInfo (RFC 7093 allows any such method). */
    private static byte[] keyId(PublicKey key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 20);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ipBytes(String ip) {
        if (!ip.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            throw new IllegalArgumentException("certificate IP address: must be a literal IPv4 or IPv6 address, got '"
                    + ip + "'");
        }
        try {
            return InetAddress.getByName(ip).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("certificate IP address: '" + ip + "' is not an address", e);
        }
    }

    @Override
    public String toString() {
        return "CertificateBuilder[CN=" + commonName + ", " + usage + ", dns=" + dnsNames + ", ip=" + ipAddresses
                + ", uri=" + uris + Optional.of(validity).map(v -> ", validity=" + v).orElse("") + "]";
    }
}
