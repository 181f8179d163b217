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

    /** A named class, not a lambda: nothing on the start-up path bootstraps method handles. */
    final class Compute implements RewriteSource {
        @Override
        public Rewrite rewrite(byte[] original, boolean merged) throws IOException {
            if (merged) {
                byte[] processBuilder = ProcessBuilderRewriter.rewriteMerged(original,
                        BridgeClass.resource("BridgeTemplate.class"));
                return processBuilder == null ? null : Rewrite.merged(processBuilder);
            }
            byte[] processBuilder = ProcessBuilderRewriter.rewrite(original);
            if (processBuilder == null) {
                return null;
            }
            return new Rewrite(processBuilder,
                    ProcessBuilderRewriter.renameTemplate(BridgeClass.resource("BridgeTemplate.class")),
                    ProcessBuilderRewriter.renameTemplate(BridgeClass.resource("BridgeDefiner.class")));
        }
    }
}
