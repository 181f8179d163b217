package dev.reap.agent.spawn;

import java.io.IOException;

/** Where the rewritten classes come from: computed with ASM, or a cache of earlier results. */
public interface RewriteSource {
    /**
     * The rewrite of {@code original}, or null when its shape is unknown; {@code merged} for a
     * class being loaded, which may take the bridge's members (see {@link ProcessBuilderRewriter}).
     */
    Rewrite rewrite(byte[] original, boolean merged) throws IOException;

    /** Computes with ASM every time. */
    RewriteSource COMPUTE = new Compute();

    final class Compute implements RewriteSource {
        @Override
        public Rewrite rewrite(byte[] original, boolean merged) throws IOException {
            return ProcessBuilderRewriter.compute(original, merged);
        }
    }
}
