package io.trainyard.jobs;

import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The job repository contract on the real PostgreSQL, in a schema of its own. */
class PostgresJobRepositoryTest extends JobRepositoryContract {

    private static TestDatabases.Owned db;

    @BeforeAll
    static void migrate() {
        db = TestDatabases.postgresSchema("jobs_contract");
    }

    @AfterAll
    static void drop() {
        if (db != null) {
            db.close();
        }
    }

    @Override
    DataSource dataSource() {
        return db.dataSource();
    }
}
