package dev.reap.agent.spawn;

import dev.reap.agent.log.Log;
import org.slf4j.Logger;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.function.BiConsumer;
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
    private final UnaryOperator<Map<String, String>> environmentHook;
    private final BiConsumer<Process, ProcessBuilder> startHook;
    private final RewriteSource rewrites;
    private volatile boolean hooked;

    private SpawnHook(Instrumentation instrumentation, UnaryOperator<Map<String, String>> environmentHook,
                      BiConsumer<Process, ProcessBuilder> startHook, RewriteSource rewrites) {
        this.instrumentation = instrumentation;
        this.environmentHook = environmentHook;
        this.startHook = startHook;
        this.rewrites = rewrites;
    }

    /** True when an agent (this one or another copy) already hooked this JVM. */
    public static boolean alreadyInstalled() {
        return BridgeClass.existing() != null;
    }

    public static SpawnHook install(Instrumentation instrumentation, UnaryOperator<Map<String, String>> environmentHook,
                                    BiConsumer<Process, ProcessBuilder> startHook, RewriteSource rewrites) {
        SpawnHook hook = new SpawnHook(instrumentation, environmentHook, startHook, rewrites);
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
        Rewrite rewrite = rewrites.rewrite(original);
        if (rewrite == null) {
            Logs.LOG.warn("cannot hook ProcessBuilder on this JDK ({} {}): its start method has an unknown shape;"
                    + " children will not be recorded. Please report it.",
                    System.getProperty("java.vendor"), System.getProperty("java.runtime.version"));
            return null;
        }
        Class<?> bridge = BridgeClass.existing();
        if (bridge == null) {
            BridgeClass.defineAndConnect(instrumentation, rewrite, environmentHook, startHook);
        } else {
            BridgeClass.connect(bridge, environmentHook, startHook);
        }
        hooked = true;
        return rewrite.processBuilder();
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
