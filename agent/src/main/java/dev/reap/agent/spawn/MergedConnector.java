package dev.reap.agent.spawn;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Connects a bridge merged into {@code ProcessBuilder}, in its static initializer, without
 * reflection (a reflective call costs JDK 25 some 2.5 ms at start-up, method handles spun).
 *
 * <p>Loaded only by {@link BridgeClass}'s private loader, which hands it the hooks; its call to
 * {@link BridgeTemplate#connect} is renamed, when the rewrite is made, to the public
 * {@code ProcessBuilder.reap$connect} the merge adds. JDK types only, apart from that reference.
 */
public final class MergedConnector {
    static {
        @SuppressWarnings("unchecked")
        Object[] hooks = ((Supplier<Object[]>) (Object) MergedConnector.class.getClassLoader()).get();
        connect(hooks);
    }

    private MergedConnector() {
    }

    @SuppressWarnings("unchecked")
    private static void connect(Object[] hooks) {
        BridgeTemplate.connect((UnaryOperator<Map<String, String>>) hooks[0], (BiConsumer<Process, ProcessBuilder>) hooks[1]);
    }
}
