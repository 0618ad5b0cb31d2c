package com.m0club.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            postgresql://m0:hunter2@db:5432/m0                | postgresql://m0:***@db:5432/m0
            connect redis://:hunter2@cache:6379 failed        | connect redis://:***@cache:6379 failed
            jdbc:postgresql://db/m0?user=a&password=hunter2&x=1 | jdbc:postgresql://db/m0?user=a&password=***&x=1
            password=hunter2 user=bob                         | password=*** user=bob
            DB_PASSWORD = "hunter 2" next                     | DB_PASSWORD = *** next
            client_secret='abc def'                           | client_secret=***
            api_key=abc; apikey=def, api-key=ghi              | api_key=***; apikey=***, api-key=***
            signer seed: 00ff11 loaded                        | signer seed: *** loaded
            private_key=deadbeef                              | private_key=***
            token=xyz)                                        | token=***)
            Authorization: Bearer eyJhbGciOi.abc.def          | Authorization: Bearer ***
            epoch=12 market=BTC-USD tier=FAST                 | epoch=12 market=BTC-USD tier=FAST
            https://rpc.example/path?x=1                      | https://rpc.example/path?x=1
            time 12:30 ok                                     | time 12:30 ok
            """)
    void masks(String input, String expected) {
        assertThat(Redactor.redact(input)).isEqualTo(expected);
    }

    @Test
    void masksJsonPairs() {
        assertThat(Redactor.redact("{\"user\":\"bob\",\"password\":\"hun\\\"ter2\",\"apiKey\":42}"))
                .isEqualTo("{\"user\":\"bob\",\"password\":\"***\",\"apiKey\":\"***\"}");
        assertThat(Redactor.redact("{\"db_secret\" : \"x\"}")).isEqualTo("{\"db_secret\" : \"***\"}");
    }

    @Test
    void nullIsEmpty() {
        assertThat(Redactor.redact(null)).isEmpty();
    }

    @Test
    void sensitiveKeys() {
        assertThat(Redactor.isSensitiveKey("db_password")).isTrue();
        assertThat(Redactor.isSensitiveKey("API_KEY")).isTrue();
        assertThat(Redactor.isSensitiveKey("trace_id")).isFalse();
        assertThat(Redactor.isSensitiveKey(null)).isFalse();
    }
}
