package dev.reap.agent.spawn;

/**
 * What the hook installs: the rewritten {@code ProcessBuilder} class file, the bridge class file
 * it calls, and the class file of {@link BridgeDefiner} that defines the bridge. Together, so a
 * cached rewrite needs no other read from the agent jar.
 */
public final class Rewrite {
    private final byte[] processBuilder;
    private final byte[] bridge;
    private final byte[] definer;

    public Rewrite(byte[] processBuilder, byte[] bridge, byte[] definer) {
        this.processBuilder = processBuilder;
        this.bridge = bridge;
        this.definer = definer;
    }

    public byte[] processBuilder() { return processBuilder; }

    public byte[] bridge() { return bridge; }

    public byte[] definer() { return definer; }
}
