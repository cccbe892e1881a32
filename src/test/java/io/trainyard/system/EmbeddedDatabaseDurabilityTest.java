package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddedDatabaseDurabilityTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:h2:file:./data/trainyard;MODE=PostgreSQL;AUTO_SERVER=FALSE | "
                + "jdbc:h2:file:./data/trainyard;MODE=PostgreSQL;AUTO_SERVER=FALSE;WRITE_DELAY=0",
        "jdbc:h2:./data/trainyard | jdbc:h2:./data/trainyard;WRITE_DELAY=0",
        "JDBC:H2:~/trainyard | JDBC:H2:~/trainyard;WRITE_DELAY=0",
        "jdbc:h2:file:/var/lib/db;IFEXISTS=TRUE | jdbc:h2:file:/var/lib/db;IFEXISTS=TRUE;WRITE_DELAY=0",
        "jdbc:h2:file:/var/lib/write_delay;WRITE_DELAY_X=1 | jdbc:h2:file:/var/lib/write_delay;WRITE_DELAY_X=1;WRITE_DELAY=0"})
    void aLocalFileDatabaseWritesEveryCommit(String given, String expected) {
        assertThat(EmbeddedDatabaseDurability.durable(given)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "jdbc:h2:file:./data/trainyard;WRITE_DELAY=500",
        "jdbc:h2:file:./data/trainyard;MODE=PostgreSQL; write_delay = 100 ;AUTO_SERVER=FALSE",
        "jdbc:h2:mem:test;DB_CLOSE_DELAY=-1",
        "jdbc:h2:tcp://db:9092/trainyard",
        "jdbc:h2:ssl://db:9092/trainyard",
        "jdbc:h2:zip:/data/db.zip!/trainyard",
        "jdbc:postgresql://127.0.0.1:5432/trainyard"})
    void otherDatabasesAndAnExplicitChoiceAreLeftAlone(String url) {
        assertThat(EmbeddedDatabaseDurability.durable(url)).isEqualTo(url);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:h2:file:./data/x | jdbc:h2:file:./data/x;WRITE_DELAY=0",
        "jdbc:postgresql://127.0.0.1:5432/x | jdbc:postgresql://127.0.0.1:5432/x"})
    void thePoolIsGivenTheDurableUrlBeforeItStarts(String given, String expected) {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(given);
            Object processed = new EmbeddedDatabaseDurability().postProcessBeforeInitialization(pool, "dataSource");
            assertThat(processed).isSameAs(pool);
            assertThat(pool.getJdbcUrl()).isEqualTo(expected);
        }
    }

    /** Covers every pool Spring Boot builds from {@code spring.datasource.*}, not only Hikari. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:h2:file:./data/x | jdbc:h2:file:./data/x;WRITE_DELAY=0",
        "jdbc:h2:file:./data/x;WRITE_DELAY=100 | jdbc:h2:file:./data/x;WRITE_DELAY=100",
        "jdbc:postgresql://127.0.0.1:5432/x | jdbc:postgresql://127.0.0.1:5432/x"})
    void theDataSourcePropertiesAreMadeDurableBeforeAnyPoolIsBuilt(String given, String expected) {
        DataSourceProperties properties = new DataSourceProperties();
        properties.setUrl(given);
        Object processed = new EmbeddedDatabaseDurability().postProcessBeforeInitialization(properties, "props");
        assertThat(processed).isSameAs(properties);
        assertThat(properties.getUrl()).isEqualTo(expected);
        // The pool Spring Boot builds for a chosen type (here the simple driver-manager one) gets that URL.
        javax.sql.DataSource pool = properties.initializeDataSourceBuilder()
                .type(org.springframework.jdbc.datasource.SimpleDriverDataSource.class).build();
        assertThat(((org.springframework.jdbc.datasource.SimpleDriverDataSource) pool).getUrl()).isEqualTo(expected);
    }
}
