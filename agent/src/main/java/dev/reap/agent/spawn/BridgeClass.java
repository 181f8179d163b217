package dev.reap.agent.spawn;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Finds, defines and connects {@code java.lang.ReapAgentBridge}. */
final class BridgeClass {
    private static final String NAME = "java.lang.ReapAgentBridge";
    /** By name: the class must never be loaded by the agent's own loader. */
    private static final String DEFINER = "dev.reap.agent.spawn.BridgeDefiner";
    private static final String CONNECTOR = "dev.reap.agent.spawn.MergedConnector";

    private BridgeClass() {
    }

    /** The bridge if an agent already defined it in this JVM, else null. */
    static Class<?> existing() {
        try {
            return Class.forName(NAME, false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /**
     * Defines the bridge in the boot loader, in {@code java.lang}, and connects its hooks. A
     * private lookup into {@code java.lang} needs the package opened to the caller; it is opened
     * only to the unnamed module of a throw-away loader holding {@link BridgeDefiner}, never to
     * the host's class path. Initialising the definer does the rest (see there).
     */
    static void defineAndConnect(Instrumentation instrumentation, Rewrite rewrite,
                                 UnaryOperator<Map<String, String>> environmentHook,
                                 BiConsumer<Process, ProcessBuilder> startHook) throws ClassNotFoundException {
        IsolatedLoader loader = new IsolatedLoader(new Object[] {rewrite.bridge(), environmentHook, startHook});
        Class<?> definer = loader.define(DEFINER, rewrite.definer());
        instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang", Set.of(definer.getModule())), Set.of(), Map.of());
        Class.forName(DEFINER, true, loader);
    }

    /**
     * Points the bridge merged into {@code ProcessBuilder} at the hooks, by initialising
     * {@code connector} ({@link MergedConnector}, renamed) in a loader that sees only the JDK.
     */
    static void connectMerged(byte[] connector, UnaryOperator<Map<String, String>> environmentHook,
                              BiConsumer<Process, ProcessBuilder> startHook) throws ClassNotFoundException {
        IsolatedLoader loader = new IsolatedLoader(new Object[] {environmentHook, startHook});
        loader.define(CONNECTOR, connector);
        Class.forName(CONNECTOR, true, loader);
    }

    /** Points an already defined bridge's hooks at the agent (a second install in one JVM, tests). */
    static void connect(Class<?> bridge, UnaryOperator<Map<String, String>> environmentHook,
                        BiConsumer<Process, ProcessBuilder> startHook) throws ReflectiveOperationException {
        bridge.getMethod("connect", UnaryOperator.class, BiConsumer.class).invoke(null, environmentHook, startHook);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = BridgeClass.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing from the agent jar: " + name);
            }
            return in.readAllBytes();
        }
    }

    /** A loader that sees only the JDK, for {@link BridgeDefiner} and {@link MergedConnector}; it hands them their inputs. */
    private static final class IsolatedLoader extends ClassLoader implements Supplier<Object[]> {
        private final Object[] inputs;

        IsolatedLoader(Object[] inputs) {
            super("reap-agent-bridge-definer", null);
            this.inputs = inputs;
        }

        @Override
        public Object[] get() {
            return inputs;
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
