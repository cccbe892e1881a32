package io.trainyard.support;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The real PostgreSQL that integration tests run against. {@code TRAINYARD_TEST_DB_URL} (with
 * {@code TRAINYARD_TEST_DB_USER} / {@code TRAINYARD_TEST_DB_PASSWORD}) wins, and is what CI uses; otherwise
 * a Testcontainers PostgreSQL when Docker is available. With neither, the tests are skipped locally and
 * fail on CI (CI=true), so a misconfigured CI can never pass by testing nothing.
 */
public final class TestDatabase {

    public record Connection(String url, String user, String password) {
    }

    private static Connection connection;

    private TestDatabase() {
    }

    public static synchronized Connection postgres() {
        if (connection == null) {
            connection = connect();
        }
        return connection;
    }

    private static Connection connect() {
        String url = System.getenv("TRAINYARD_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            return new Connection(url, env("TRAINYARD_TEST_DB_USER", "postgres"), env("TRAINYARD_TEST_DB_PASSWORD", ""));
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI must provide PostgreSQL: set TRAINYARD_TEST_DB_URL (see .ci/run)");
        }
        Assumptions.abort("No PostgreSQL for integration tests: set TRAINYARD_TEST_DB_URL or start Docker");
        return null;
    }

    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
