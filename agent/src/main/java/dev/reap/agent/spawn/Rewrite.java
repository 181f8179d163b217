package dev.reap.agent.spawn;

/** The rewritten {@code ProcessBuilder} class file and the bridge class file it calls. */
public final class Rewrite {
    private final byte[] processBuilder;
    private final byte[] bridge;

    public Rewrite(byte[] processBuilder, byte[] bridge) {
        this.processBuilder = processBuilder;
        this.bridge = bridge;
    }

    public byte[] processBuilder() { return processBuilder; }

    public byte[] bridge() { return bridge; }
}
