package dev.reap.agent.spawn;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The template of the bridge between the rewritten {@code ProcessBuilder} and the agent.
 *
 * <p>It is never used under this name. When {@code ProcessBuilder} is loaded by the agent at
 * start-up, its members are merged into {@code ProcessBuilder}, renamed {@code reap$...} (see
 * {@link ProcessBuilderRewriter}); when {@code ProcessBuilder} was loaded before (attach),
 * {@link BridgeClass} renames it to {@code java.lang.ReapAgentBridge} and defines it in the boot
 * loader, the only loader the JDK's own {@code ProcessBuilder} can see. Either way it may use JDK
 * types only and no other member of its own class than these: the agent's logic stays in the
 * agent's classes, behind the two hooks. It must never throw into the host's call.
 */
public final class BridgeTemplate {
    /** Given the builder's environment (null: the JVM's own), returns the one the child gets. */
    public static volatile UnaryOperator<Map<String, String>> environmentHook;
    /** Told of every process started, with the builder that started it. */
    public static volatile BiConsumer<Process, ProcessBuilder> startHook;

    private BridgeTemplate() {
    }

    /** Points the hooks at the agent. */
    public static void connect(UnaryOperator<Map<String, String>> environment, BiConsumer<Process, ProcessBuilder> start) {
        environmentHook = environment;
        startHook = start;
    }

    /** Called by {@code ProcessBuilder.start(Redirect[])} on the environment it passes on. */
    public static Map<String, String> environment(Map<String, String> environment) {
        UnaryOperator<Map<String, String>> hook = environmentHook;
        if (hook == null) {
            return environment;
        }
        try {
            Map<String, String> tagged = hook.apply(environment);
            return tagged != null ? tagged : environment;
        } catch (Throwable t) {
            return environment;
        }
    }

    /** Called by {@code ProcessBuilder.start(Redirect[])} once the process has started. */
    public static Process started(Process process, ProcessBuilder builder) {
        BiConsumer<Process, ProcessBuilder> hook = startHook;
        if (hook != null) {
            try {
                hook.accept(process, builder);
            } catch (Throwable ignored) {
                // the host's spawn succeeded; the agent's bookkeeping must not make it fail
            }
        }
        return process;
    }
}
