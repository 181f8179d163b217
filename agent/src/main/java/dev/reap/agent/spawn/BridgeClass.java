package dev.reap.agent.spawn;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Finds, defines and connects {@code java.lang.ReapAgentBridge}. */
final class BridgeClass {
    private static final String NAME = "java.lang.ReapAgentBridge";
    /** By name: the class must never be loaded by the agent's own loader. */
    private static final String DEFINER = "dev.reap.agent.spawn.BridgeDefiner";

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
     * Defines the bridge in the boot loader, in {@code java.lang}. A private lookup into
     * {@code java.lang} needs the package opened to the caller; it is opened only to the unnamed
     * module of a throw-away loader holding {@link BridgeDefiner}, never to the host's class path.
     */
    @SuppressWarnings("unchecked")
    static Class<?> define(Instrumentation instrumentation, byte[] bridge, byte[] definerBytes)
            throws ReflectiveOperationException {
        Class<?> definerClass = new IsolatedLoader().define(DEFINER, definerBytes);
        instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang", Set.of(definerClass.getModule())), Set.of(), Map.of());
        Function<byte[], Class<?>> definer = (Function<byte[], Class<?>>) definerClass.getConstructor().newInstance();
        return definer.apply(bridge);
    }

    /** Points the bridge's hooks at the agent. */
    static void connect(Class<?> bridge, UnaryOperator<Map<String, String>> environmentHook,
                        BiConsumer<Process, ProcessBuilder> startHook) throws ReflectiveOperationException {
        bridge.getField("environmentHook").set(null, environmentHook);
        bridge.getField("startHook").set(null, startHook);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = BridgeClass.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing from the agent jar: " + name);
            }
            return in.readAllBytes();
        }
    }

    /** A loader that sees only the JDK, for {@link BridgeDefiner}. */
    private static final class IsolatedLoader extends ClassLoader {
        IsolatedLoader() {
            super("reap-agent-bridge-definer", null);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
