package dev.reap.agent.spawn;

/**
 * What the hook installs: the rewritten {@code ProcessBuilder} class file, the bridge class file
 * it calls, and the class file of {@link BridgeDefiner} that defines the bridge. Together, so a
 * cached rewrite needs no other read from the agent jar. A {@code ProcessBuilder} with the bridge
 * merged into it (see {@link ProcessBuilderRewriter}) has no bridge class, and its third part is
 * the class that connects the merged bridge ({@link MergedConnector}).
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

    /** A {@code ProcessBuilder} with the bridge merged into it, and the class that connects it ({@link MergedConnector}). */
    static Rewrite merged(byte[] processBuilder, byte[] connector) {
        return new Rewrite(processBuilder, new byte[0], connector);
    }

    /** True when the bridge is merged into {@code ProcessBuilder}: there is no class to define. */
    public boolean isMerged() {
        return bridge.length == 0;
    }

    public byte[] processBuilder() { return processBuilder; }

    public byte[] bridge() { return bridge; }

    /** The definer of a separate bridge, or the connector of a merged one. */
    public byte[] definer() { return definer; }
}
