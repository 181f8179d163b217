package dev.reap.agent.spawn;

import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Defines the bridge into {@code java.lang} and connects it, in its static initializer.
 *
 * <p>Loaded only by {@link BridgeClass}'s private loader, whose unnamed module is the only one
 * {@code java.lang} gets opened to: the host's class path gains no access to {@code java.lang}.
 * Its inputs come from that loader (a {@code Supplier} of bridge bytes and hooks), and its call
 * to {@link BridgeTemplate#connect} is renamed, like the template itself, to the defined bridge:
 * so defining and connecting take no reflection, which on JDK 18+ spins method handles (slow at
 * start-up). JDK types only, apart from that renamed reference.
 */
public final class BridgeDefiner {
    static {
        try {
            @SuppressWarnings("unchecked")
            Object[] inputs = ((Supplier<Object[]>) (Object) BridgeDefiner.class.getClassLoader()).get();
            // anchored on Object: this runs while ProcessBuilder itself is being loaded
            MethodHandles.privateLookupIn(Object.class, MethodHandles.lookup()).defineClass((byte[]) inputs[0]);
            connect(inputs);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private BridgeDefiner() {
    }

    @SuppressWarnings("unchecked")
    private static void connect(Object[] inputs) {
        BridgeTemplate.connect((UnaryOperator<Map<String, String>>) inputs[1], (BiConsumer<Process, ProcessBuilder>) inputs[2]);
    }
}
