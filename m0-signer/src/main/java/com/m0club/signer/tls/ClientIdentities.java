package com.m0club.signer.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The client identities an agent accepts: a client certificate (already chained to the CA) is allowed when its
 * subject CN, or one of its subjectAltName DNS names or URIs, equals an entry exactly (case-sensitive; no wildcards).
 * For example {@code bundler}, {@code m0-bundler.m0-prod.svc} or {@code spiffe://m0club/bundler}.
 */
public record ClientIdentities(Set<String> allowed) {
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;

    public ClientIdentities {
        if (allowed == null || allowed.isEmpty()) {
            throw new IllegalArgumentException("allowed client identities: at least one is required (e.g. bundler)");
        }
        for (String a : allowed) {
            if (a == null || a.isBlank() || !a.equals(a.strip())) {
                throw new IllegalArgumentException("allowed client identities: entries must be non-blank without "
                        + "surrounding spaces, got '" + a + "'");
            }
        }
        allowed = Set.copyOf(allowed);
    }

    public static ClientIdentities of(String... identities) {
        return new ClientIdentities(new LinkedHashSet<>(List.of(identities)));
    }

    /** Parses a comma-separated list ({@code M0_SIGNER_TLS_ALLOWED_CLIENTS}). */
    public static ClientIdentities parse(String commaSeparated) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : commaSeparated.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return new ClientIdentities(out);
    }

    /** The allowed identity {@code cert} presents, if any. */
    public Optional<String> match(X509Certificate cert) {
        return identitiesOf(cert).stream().filter(allowed::contains).findFirst();
    }

    /** The names a certificate presents: its subject CN(s), then its SAN DNS names and URIs. */
    public static List<String> identitiesOf(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // no CN can be read: only the SANs count
        }
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if ((type == SAN_DNS || type == SAN_URI) && san.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // unreadable SANs: only the CN counts
        }
        return names;
    }

    @Override
    public String toString() {
        return String.join(",", allowed.stream().sorted().toList());
    }
}
