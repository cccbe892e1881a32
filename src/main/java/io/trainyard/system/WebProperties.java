package io.trainyard.system;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxJsonBody the largest non-multipart request body accepted (default 8MB); larger ones get
 *                    413 problem+json before they are read. Uploads are bounded by spring.servlet.multipart.*.
 */
@ConfigurationProperties(prefix = "trainyard.web")
public record WebProperties(@DefaultValue("8MB") DataSize maxJsonBody) {
}
