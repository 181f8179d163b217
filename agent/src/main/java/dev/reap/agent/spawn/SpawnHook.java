package dev.reap.agent.spawn;

import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import org.slf4j.Logger;

import java.lang.instrument.ClassFileTransformer;
import java.lang.reflect.Method;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * Installs the rewrite of {@code ProcessBuilder} and connects it to the agent, as a transformer
 * registered only as long as it must be (one left registered cost a class-loading JVM 4-10%: see
 * the README, "No transformer stays registered"). When {@code ProcessBuilder} is not loaded yet
 * (the usual case at {@code -javaagent} start), it is loaded at once through this transformer,
 * which cannot retransform (its output is what another agent's retransformation starts from) and
 * is removed right after; when it was loaded before the agent (attach), it is retransformed, and
 * the transformer stays so that a later retransformation re-applies it.
 */
public final class SpawnHook implements ClassFileTransformer {
    /** Loaded only when something is logged: see {@link Log#debugEnabled()}. */
    private static final class Logs {
        static final Logger LOG = Loggers.get(SpawnHook.class);
    }
    private static final String TARGET = "java.lang.ProcessBuilder";

    private final Instrumentation instrumentation;
    private final UnaryOperator<Map<String, String>> environmentHook;
    private final BiConsumer<Process, ProcessBuilder> startHook;
    private final RewriteSource rewrites;
    private volatile boolean hooked;
    /** True once the transformer saw {@code ProcessBuilder} pass, hooked or not. */
    private volatile boolean seen;
    /**
     * True once this hook rewrote {@code ProcessBuilder}, not another copy of the agent before it;
     * while {@link #hooked} is still false, a bridge merged into it waits to be connected.
     */
    private volatile boolean ours;
    /** The connector of a bridge merged into {@code ProcessBuilder} while it loads; null otherwise. */
    private volatile byte[] connector;

    private SpawnHook(Instrumentation instrumentation, UnaryOperator<Map<String, String>> environmentHook,
                      BiConsumer<Process, ProcessBuilder> startHook, RewriteSource rewrites) {
        this.instrumentation = instrumentation;
        this.environmentHook = environmentHook;
        this.startHook = startHook;
        this.rewrites = rewrites;
    }

    /**
     * True when an agent (this one or another copy) already hooked this JVM: the bridge class is
     * defined, or {@code ProcessBuilder} has one merged into it. Never while {@code ProcessBuilder}
     * is being loaded: asking would load it again.
     */
    public static boolean alreadyInstalled() {
        if (BridgeClass.existing() != null) {
            return true;
        }
        try {
            connectMethod(ProcessBuilder.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** The public method of a bridge merged into {@code processBuilder}. */
    private static Method connectMethod(Class<?> processBuilder) throws NoSuchMethodException {
        return processBuilder.getMethod(ProcessBuilderRewriter.CONNECT, UnaryOperator.class, BiConsumer.class);
    }

    /**
     * Hooks {@code ProcessBuilder}, loading it if it is not loaded yet (see the class comment):
     * {@code environmentHook} gets every spawn's environment and returns the child's,
     * {@code startHook} every process started; {@code rewrites} makes the rewritten class.
     */
    public static SpawnHook install(Instrumentation instrumentation, UnaryOperator<Map<String, String>> environmentHook,
                                    BiConsumer<Process, ProcessBuilder> startHook, RewriteSource rewrites) {
        SpawnHook hook = new SpawnHook(instrumentation, environmentHook, startHook, rewrites);
        instrumentation.addTransformer(hook, false);
        Class<?> processBuilder;
        try {
            processBuilder = Class.forName(TARGET, false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            Logs.LOG.warn("cannot hook ProcessBuilder, children will not be recorded", e);
            return hook;
        } finally {
            instrumentation.removeTransformer(hook);
        }
        if (hook.ours && !hook.hooked) {
            hook.connectMerged();
        }
        if (!hook.seen) {
            // loaded before the agent: retransform it, with a transformer that stays
            instrumentation.addTransformer(hook, true);
            try {
                instrumentation.retransformClasses(processBuilder);
            } catch (Throwable t) {
                Logs.LOG.warn("cannot hook ProcessBuilder, children will not be recorded", t);
            }
        }
        return hook;
    }

    /** True when this copy of the agent hooked {@code ProcessBuilder}, not another one before it. */
    public boolean ours() {
        return ours;
    }

    /** True once {@code ProcessBuilder} runs the rewritten code. */
    public boolean hooked() {
        return hooked;
    }

    /**
     * The rewrite of the {@code ProcessBuilder} passing through: {@code loading} when it is being
     * loaded (the bridge is merged into it and connected by {@link #install} once it is defined),
     * else a retransformation (the bridge class is defined and connected now). A retransformation
     * by another agent later gets the same rewrite again.
     */
    private byte[] rewrite(byte[] original, boolean loading) throws Exception {
        // at a first load nobody can have hooked ProcessBuilder yet
        if (!ours && !loading && alreadyInstalled()) {
            if (Log.debugEnabled()) {
                Logs.LOG.debug("already loaded in this JVM; nothing to do");
            }
            return null;
        }
        Rewrite rewrite = rewrites.rewrite(original, loading);
        if (rewrite == null) {
            Logs.LOG.warn("cannot hook ProcessBuilder on this JDK ({} {}): its start method has an unknown shape;"
                    + " children will not be recorded. Please report it.",
                    System.getProperty("java.vendor"), System.getProperty("java.runtime.version"));
            return null;
        }
        if (rewrite.isMerged()) {
            connector = rewrite.definer();
        } else {
            Class<?> bridge = BridgeClass.existing();
            if (bridge == null) {
                BridgeClass.defineAndConnect(instrumentation, rewrite, environmentHook, startHook);
            } else {
                BridgeClass.connect(bridge, environmentHook, startHook);
            }
            hooked = true;
        }
        ours = true;
        return rewrite.processBuilder();
    }

    /** Points the bridge merged into the just loaded {@code ProcessBuilder} at the agent. */
    private void connectMerged() {
        try {
            BridgeClass.connectMerged(connector, environmentHook, startHook);
            hooked = true;
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            Logs.LOG.warn("cannot hook ProcessBuilder, children will not be recorded", e);
        }
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (loader != null || !"java/lang/ProcessBuilder".equals(className)) {
            return null;
        }
        seen = true;
        try {
            return rewrite(classfileBuffer, classBeingRedefined == null);
        } catch (Throwable t) {
            Logs.LOG.warn("cannot hook ProcessBuilder, children will not be recorded", t);
            return null;
        }
    }
}
