package dev.reap.agent.config;

/** Where a configuration value came from, in order of precedence. */
public enum Source {
    AGENT_ARGUMENTS("agent options"),
    SYSTEM_PROPERTY("system property"),
    ENVIRONMENT("environment"),
    DEFAULT("default");

    private final String description;

    Source(String description) {
        this.description = description;
    }

    public String describe() {
        return description;
    }
}
