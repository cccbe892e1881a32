package io.trainyard.system;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.stereotype.Component;

/**
 * Makes a local H2 file database write every commit before the commit returns ({@code WRITE_DELAY=0}), whatever
 * URL it was given. H2 has no redo log: by default a background thread writes committed changes every 500 ms, so a
 * killed service lost its last commits while the object store had already acted on them — a checkpoint row that
 * retention had deleted came back pointing at deleted bytes, and the job restarted from scratch
 * (docs/design-notes.md). A URL that sets {@code WRITE_DELAY} itself is left as it is.
 */
@Component
class EmbeddedDatabaseDurability implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseDurability.class);

    /**
     * {@code spring.datasource.*} is made durable before any pool is built from it, whichever pool
     * {@code spring.datasource.type} chooses; a Hikari pool built some other way is made durable itself.
     */
    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof DataSourceProperties properties) {
            properties.setUrl(durableLogged(properties.getUrl()));
        } else if (bean instanceof HikariDataSource dataSource) {
            String url = durableLogged(dataSource.getJdbcUrl());
            if (!Objects.equals(url, dataSource.getJdbcUrl())) { // a pool already started refuses every setter
                dataSource.setJdbcUrl(url);
            }
        }
        return bean;
    }

    private static String durableLogged(String url) {
        if (url == null) {
            return null;
        }
        String durable = durable(url);
        if (!durable.equals(url)) {
            log.info("Embedded H2 database: every commit is written before it returns (WRITE_DELAY=0 added)");
        }
        return durable;
    }

    /** {@code url} with {@code ;WRITE_DELAY=0} added when it names a local H2 file database that does not set it. */
    static String durable(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:")) {
            return url;
        }
        String location = lower.substring("jdbc:h2:".length());
        // In memory there is nothing to lose to a crash; a server (tcp, ssl) applies its own settings; zip is
        // read-only.
        for (String other : new String[] {"mem:", "tcp:", "ssl:", "zip:"}) {
            if (location.startsWith(other)) {
                return url;
            }
        }
        String[] parts = lower.split(";");
        for (int i = 1; i < parts.length; i++) { // parts[0] is the location
            if (parts[i].split("=", 2)[0].trim().equals("write_delay")) {
                return url;
            }
        }
        return url + ";WRITE_DELAY=0";
    }
}
