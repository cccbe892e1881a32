package io.trainyard.security;

import org.springframework.stereotype.Component;

/**
 * The team on whose behalf the current request acts. Until API keys exist every request belongs to the
 * built-in {@code default} team (DESIGN.md §6); modules already ask this bean, so authentication later
 * changes this one place.
 */
@Component
public class CurrentTeam {

    public static final String DEFAULT = "default";

    public String id() {
        return DEFAULT;
    }
}
