package dev.reap.agent.spawn;

import dev.reap.agent.log.Log;
import org.slf4j.Logger;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Installs the rewrite of {@code ProcessBuilder} and connects it to the agent.
 *
 * <p>A plain transformer that acts only when {@code java/lang/ProcessBuilder} passes through it:
 * the agent pays nothing until the host's first spawn loads that class (or, when it is loaded
 * already, once at install, by retransformation). It stays registered, as a retransforming
 * transformer, so that another agent retransforming {@code ProcessBuilder} keeps the hook.
 */
public final class SpawnHook {
    /** Loaded only when something is logged: see {@link Log#debugEnabled()}. */
    private static final class Logs {
        static final Logger LOG = Log.get(SpawnHook.class);
    }
    private static final String TARGET = "java.lang.ProcessBuilder";

    private final Instrumentation instrumentation;
    private final Supplier<Connection> connection;
    private volatile boolean hooked;

    private SpawnHook(Instrumentation instrumentation, Supplier<Connection> connection) {
        this.instrumentation = instrumentation;
        this.connection = connection;
    }

    /** What the rewritten {@code ProcessBuilder} is connected to, and where its rewrite comes from. */
    public static final class Connection {
        final UnaryOperator<Map<String, String>> environmentHook;
        final BiConsumer<Process, ProcessBuilder> startHook;
        final RewriteSource rewrites;

        public Connection(UnaryOperator<Map<String, String>> environmentHook,
                          BiConsumer<Process, ProcessBuilder> startHook, RewriteSource rewrites) {
            this.environmentHook = environmentHook;
            this.startHook = startHook;
            this.rewrites = rewrites;
        }
    }

    /** True when an agent (this one or another copy) already hooked this JVM. */
    public static boolean alreadyInstalled() {
        return BridgeClass.existing() != null;
    }

    /**
     * Registers the transformer. The connection is asked for when {@code ProcessBuilder} passes
     * through (at once, by retransformation, when it is loaded already), so whatever it takes to
     * make runs off the start-up path; it may answer null to leave {@code ProcessBuilder} alone.
     */
    public static SpawnHook install(Instrumentation instrumentation, Supplier<Connection> connection) {
        SpawnHook hook = new SpawnHook(instrumentation, connection);
        instrumentation.addTransformer(hook.new Transformer(), true);
        Class<?> loaded = loadedProcessBuilder(instrumentation);
        if (loaded != null) {
            try {
                instrumentation.retransformClasses(loaded);
            } catch (Throwable t) {
                Logs.LOG.warn("cannot hook ProcessBuilder, children will not be recorded", t);
            }
        }
        return hook;
    }

    /** Installs with a ready connection. */
    public static SpawnHook install(Instrumentation instrumentation, UnaryOperator<Map<String, String>> environmentHook,
                                    BiConsumer<Process, ProcessBuilder> startHook, RewriteSource rewrites) {
        Connection ready = new Connection(environmentHook, startHook, rewrites);
        return install(instrumentation, new Ready(ready));
    }

    /** True once {@code ProcessBuilder} runs the rewritten code. */
    public boolean hooked() {
        return hooked;
    }

    private static Class<?> loadedProcessBuilder(Instrumentation instrumentation) {
        // By name: a class literal would load ProcessBuilder, and a JVM that never spawns
        // should never pay for the rewrite.
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            if (c.getClassLoader() == null && TARGET.equals(c.getName())) {
                return c;
            }
        }
        return null;
    }

    private byte[] rewrite(byte[] original) throws Exception {
        Connection c = connection.get();
        if (c == null) {
            return null;
        }
        Rewrite rewrite = c.rewrites.rewrite(original);
        if (rewrite == null) {
            Logs.LOG.warn("cannot hook ProcessBuilder on this JDK ({} {}): its start method has an unknown shape;"
                    + " children will not be recorded. Please report it.",
                    System.getProperty("java.vendor"), System.getProperty("java.runtime.version"));
            return null;
        }
        Class<?> bridge = BridgeClass.existing();
        if (bridge == null) {
            BridgeClass.defineAndConnect(instrumentation, rewrite, c.environmentHook, c.startHook);
        } else {
            BridgeClass.connect(bridge, c.environmentHook, c.startHook);
        }
        hooked = true;
        return rewrite.processBuilder();
    }

    private static final class Ready implements Supplier<Connection> {
        private final Connection connection;

        Ready(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection get() {
            return connection;
        }
    }

    private final class Transformer implements ClassFileTransformer {
        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain protectionDomain, byte[] classfileBuffer) {
            if (loader != null || !"java/lang/ProcessBuilder".equals(className)) {
                return null;
            }
            try {
                return rewrite(classfileBuffer);
            } catch (Throwable t) {
                Logs.LOG.warn("cannot hook ProcessBuilder, children will not be recorded", t);
                return null;
            }
        }
    }
}
