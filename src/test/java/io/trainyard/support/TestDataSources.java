package io.trainyard.support;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Migrated data sources for tests that need a database but not the application: the real test PostgreSQL
 * and an in-memory H2 in PostgreSQL mode (the embedded default), both with the production migrations.
 */
public final class TestDataSources {

    private static DataSource postgres;

    private TestDataSources() {
    }

    public static synchronized DataSource postgres() {
        if (postgres == null) {
            TestDatabase.Connection db = TestDatabase.postgres();
            postgres = migrate(new DriverManagerDataSource(db.url(), db.user(), db.password()));
        }
        return postgres;
    }

    /** A fresh in-memory H2 database per name, in the same mode as the embedded default. */
    public static DataSource h2(String name) {
        return migrate(emptyH2(name));
    }

    /** A fresh in-memory H2 database per name, in the embedded default's mode, without the migrations. */
    public static DataSource emptyH2(String name) {
        return new DriverManagerDataSource("jdbc:h2:mem:" + name
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
    }

    private static DataSource migrate(DataSource dataSource) {
        migrations().dataSource(dataSource).load().migrate();
        return dataSource;
    }

    /**
     * The production migrations as the application runs them ({@code spring.flyway} in application.yml): each module
     * numbers its own range, so a database at a later range takes a new earlier-range migration out of order.
     */
    public static FluentConfiguration migrations() {
        return Flyway.configure().locations("classpath:db/migration").outOfOrder(true);
    }
}
