package io.trainyard.system;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The web conventions in one importable piece: strict JSON, strict integer parameters, problem+json errors and the
 * body limit.
 * The application picks these up by scanning; web-slice tests ({@code @WebMvcTest}) import this class.
 */
@Configuration(proxyBeanMethods = false)
@Import({JsonConfiguration.class, ProblemHandler.class, StrictIntegerBinding.class})
@EnableConfigurationProperties(WebProperties.class)
public class WebConventions {
}
