package io.trainyard.jobs;

import com.zaxxer.hikari.HikariDataSource;
import io.trainyard.support.TestDataSources;
import io.trainyard.support.TestDatabase;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Migrated databases owned by one test class: a fresh schema of the test PostgreSQL (so no other test's jobs,
 * workers or reapers can meet ours), or an in-memory H2 in PostgreSQL mode like the embedded default.
 */
final class TestDatabases {

    private TestDatabases() {
    }

    /** A database that the owner drops when done. */
    interface Owned extends AutoCloseable {
        DataSource dataSource();

        @Override
        void close();
    }

    static Owned postgresSchema(String prefix) {
        TestDatabase.Connection db = TestDatabase.postgres();
        String schema = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(db.url());
        ds.setUsername(db.user());
        ds.setPassword(db.password());
        ds.setSchema(schema);
        ds.setMaximumPoolSize(24);
        TestDataSources.migrations().dataSource(ds).schemas(schema).defaultSchema(schema).load().migrate();
        return new Owned() {
            @Override
            public DataSource dataSource() {
                return ds;
            }

            @Override
            public void close() {
                JdbcClient.create(ds).sql("DROP SCHEMA " + schema + " CASCADE").update();
                ds.close();
            }
        };
    }

    static Owned h2() {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl("jdbc:h2:mem:jobs_" + UUID.randomUUID().toString().replace("-", "")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        ds.setUsername("sa");
        ds.setPassword("");
        ds.setMaximumPoolSize(24);
        TestDataSources.migrations().dataSource(ds).load().migrate();
        return new Owned() {
            @Override
            public DataSource dataSource() {
                return ds;
            }

            @Override
            public void close() {
                JdbcClient.create(ds).sql("SHUTDOWN").update();
                ds.close();
            }
        };
    }
}
