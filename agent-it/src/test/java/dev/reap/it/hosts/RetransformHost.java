package dev.reap.it.hosts;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Retransforms {@code ProcessBuilder} through {@link RetransformingAgent} (loaded after reap-agent),
 * then spawns a child and returns from {@code main}: the child must still be reaped, so the hook
 * must survive another agent's retransformation.
 */
public final class RetransformHost {
    private RetransformHost() {
    }

    public static void main(String[] args) throws Exception {
        Instrumentation instrumentation = RetransformingAgent.instrumentation();
        boolean[] seen = new boolean[1];
        ClassFileTransformer observer = new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                                    ProtectionDomain domain, byte[] bytes) {
                if ("java/lang/ProcessBuilder".equals(name)) {
                    seen[0] = true;
                }
                return null;
            }
        };
        instrumentation.addTransformer(observer, true);
        instrumentation.retransformClasses(ProcessBuilder.class);
        instrumentation.removeTransformer(observer);
        System.out.println("retransformed " + seen[0]);
        Process child = new ProcessBuilder("sleep", "600").start();
        System.out.println("plain " + child.pid());
        System.out.println("ready");
    }
}
