package io.tierlift.render.onprem.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConninfoTest {
    private final Conninfo conninfo = new Conninfo();

    @Test
    void plainValuesAreBare() {
        assertThat(conninfo.pair("host", "10.0.3.21")).isEqualTo("host=10.0.3.21");
        assertThat(conninfo.pair("passfile", "/var/lib/postgresql/.pgpass")).isEqualTo("passfile=/var/lib/postgresql/.pgpass");
    }

    @Test
    void valuesWithSpacesQuotesOrBackslashesAreQuoted() {
        assertThat(conninfo.value("a b")).isEqualTo("'a b'");
        assertThat(conninfo.value("it's")).isEqualTo("'it\\'s'");
        assertThat(conninfo.value("a\\b")).isEqualTo("'a\\\\b'");
        assertThat(conninfo.value("x=1 host=evil")).isEqualTo("'x=1 host=evil'");
        assertThat(conninfo.value("")).isEqualTo("''");
        assertThatThrownBy(() -> conninfo.value("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }
}
