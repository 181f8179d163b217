package dev.reap.agent.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The report reader: what Report.write writes, it reads back. */
class JsonTest {
    @Test
    void readsObjectsArraysStringsNumbersAndNull() {
        Object parsed = Json.parse("{\"a\": [1, -2.5, \"x\\\"y\\n\\u0041\", null, true], \"b\": {}}");

        assertThat(parsed).isEqualTo(Map.of("a", java.util.Arrays.asList(1L, -2.5, "x\"y\nA", null, true), "b", Map.of()));
    }

    @Test
    void readsBackWhatItWrites() {
        String tricky = "python3 -c \"import os\"\n\tx\\y\u0001";
        assertThat(Json.parse(Json.write(tricky))).isEqualTo(tricky);
    }

    @Test
    void aMistakeSaysWhereItIs() {
        assertThatThrownBy(() -> Json.parse("{\n\"a\": [1,\n}")).hasMessageContaining("line 3");
        assertThatThrownBy(() -> Json.parse("{} x")).hasMessageContaining("after the end");
        assertThatThrownBy(() -> Json.parse("{\"a\" 1}")).hasMessageContaining("':' expected");
        assertThat(Json.parse("[]")).isEqualTo(List.of());
    }
}
