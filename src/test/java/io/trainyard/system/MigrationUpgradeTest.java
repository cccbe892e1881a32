package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.support.TestDataSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A database migrated by an earlier release takes the migrations added since, wherever their module's range puts
 * them: the checkpoints' V30 came after the inference module's V50.
 */
class MigrationUpgradeTest {

    @Test
    void theApplicationRunsMigrationsOutOfOrder() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));

        assertThat(yaml.getObject()).containsEntry("spring.flyway.out-of-order", true);
    }

    @Test
    void aDatabaseOfTheReleaseBeforeV30TakesIt(@TempDir Path earlier) throws Exception {
        try (Stream<Path> files = Files.list(Path.of(getClass().getResource("/db/migration").toURI()))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith("V30__")).toList()) {
                Files.copy(file, earlier.resolve(file.getFileName()));
            }
        }
        DataSource db = TestDataSources.emptyH2("upgrade_" + UUID.randomUUID().toString().replace("-", ""));
        Flyway.configure().dataSource(db).locations("filesystem:" + earlier).load().migrate();
        assertThatThrownBy(() -> Flyway.configure().dataSource(db).locations("classpath:db/migration").load()
                .migrate()).as("in order only").isInstanceOf(FlywayException.class);

        TestDataSources.migrations().dataSource(db).load().migrate();

        assertThat(JdbcClient.create(db).sql("SELECT COUNT(*) FROM information_schema.columns "
                + "WHERE table_name = 'checkpoints' AND column_name = 'blake3'").query(Integer.class).single())
                .isEqualTo(1);
    }
}
