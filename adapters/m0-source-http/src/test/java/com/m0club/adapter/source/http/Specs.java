package com.m0club.adapter.source.http;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** Connector definitions for the tests, written as connectors-file TOML. */
final class Specs {
    private Specs() {}

    static final String MAPPING = """
            [connector.mapping]
            items = "/markets"
            market = "/id"
            outcomes = "/outcomes"
            outcome = "/name"
            value = "/odds"
            ts_ms = "/updated_ms"
            """;

    /** One decimal-odds connector at {@code url} with the given extra settings (TOML lines). */
    static ConnectorSpec odds(String id, URI url, String... settings) {
        String toml = "[[connector]]\nid = \"" + id + "\"\nurl = \"" + url + "\"\nkind = \"decimal_odds\"\n"
                + String.join("\n", settings) + "\n" + MAPPING;
        List<ConnectorSpec> specs = ConnectorsFile.parse(toml, "<test>", Map.of());
        return specs.getFirst();
    }
}
