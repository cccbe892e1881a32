package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which query strings are text the handlers can read, and which parameter the answer names when one is not. */
class QueryTextFilterTest {

    @Test
    void textInAnyEncodingTheContainerDecodesPasses() {
        assertThat(QueryTextFilter.check("name=caf%C3%A9&limit=2")).isEmpty();
        assertThat(QueryTextFilter.check("name=a+b&label=team%3Avision&flag")).isEmpty();
        assertThat(QueryTextFilter.check("q=%E2%82%AC%F0%9F%98%80")).isEmpty(); // € and an emoji
    }

    @Test
    void nulNamesItsParameter() {
        assertThat(QueryTextFilter.check("limit=2&name=a%00b")).hasValueSatisfying(p -> {
            assertThat(p.parameter()).isEqualTo("name");
            assertThat(p.message()).contains("NUL");
        });
        assertThat(QueryTextFilter.check("na%00me=x")).hasValueSatisfying(p -> assertThat(p.parameter())
                .isEqualTo("name"));
    }

    @Test
    void bytesThatAreNotUtf8NameTheirParameter() {
        assertThat(QueryTextFilter.check("cursor=%ff%fe")).hasValueSatisfying(p -> {
            assertThat(p.parameter()).isEqualTo("cursor");
            assertThat(p.message()).contains("not UTF-8");
        });
        assertThat(QueryTextFilter.check("name=%C3")).as("a sequence cut short").isPresent();
    }

    @Test
    void brokenPercentEscapesNameTheirParameter() {
        assertThat(QueryTextFilter.check("state=%zz")).hasValueSatisfying(p -> {
            assertThat(p.parameter()).isEqualTo("state");
            assertThat(p.message()).contains("percent escape");
        });
        assertThat(QueryTextFilter.check("limit=5%")).hasValueSatisfying(p -> assertThat(p.parameter())
                .isEqualTo("limit"));
        assertThat(QueryTextFilter.check("a%2=1")).hasValueSatisfying(p -> assertThat(p.parameter())
                .isEqualTo("a%2"));
    }
}
