package io.trainyard.jobs;

import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The job repository contract on H2 in PostgreSQL mode: the embedded default for {@code java -jar}. */
class H2JobRepositoryTest extends JobRepositoryContract {

    private static TestDatabases.Owned db;

    @BeforeAll
    static void migrate() {
        db = TestDatabases.h2();
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
