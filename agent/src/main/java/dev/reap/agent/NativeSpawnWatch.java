package dev.reap.agent;

import dev.reap.agent.proc.ProcFs;

/**
 * The thread that looks for native spawns (see {@link dev.reap.agent.find.NativeSpawns}) every
 * {@value #LOOK_MILLIS} ms from start-up to the exit: a child started through JNA or the FFM API
 * gives no other sign. A look with no child to see reads one small file per thread of the JVM.
 */
final class NativeSpawnWatch implements Runnable {
    static final long LOOK_MILLIS = 250;

    private final AgentRuntime runtime;

    NativeSpawnWatch(AgentRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void run() {
        try {
            Thread.sleep(LOOK_MILLIS);
            long self = ProcFs.selfPid();
            while (self > 0 && runtime.lookForNativeSpawns(self)) {
                Thread.sleep(LOOK_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // never into the host: a SecurityManager that denies the agent, say
            AgentRuntime.debug("the look for native spawns stopped: " + e);
        }
    }
}
