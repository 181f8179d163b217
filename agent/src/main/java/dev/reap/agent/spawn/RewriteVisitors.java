package dev.reap.agent.spawn;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;

import java.util.HashMap;
import java.util.Map;

import static dev.reap.agent.spawn.ProcessBuilderRewriter.CONNECT;
import static dev.reap.agent.spawn.ProcessBuilderRewriter.CONNECT_TEMPLATE;
import static dev.reap.agent.spawn.ProcessBuilderRewriter.MERGED;
import static dev.reap.agent.spawn.ProcessBuilderRewriter.PROCESS_BUILDER;
import static dev.reap.agent.spawn.ProcessBuilderRewriter.TEMPLATE;

/** The ASM visitors of {@link ProcessBuilderRewriter}: the start method found and rewritten, the bridge merged in. */
final class RewriteVisitors {
    /** The bridge's two methods the rewritten {@code start} calls, named as in {@link BridgeTemplate}. */
    private static final String ENVIRONMENT = "environment";
    private static final String ENVIRONMENT_DESCRIPTOR = "(Ljava/util/Map;)Ljava/util/Map;";
    private static final String STARTED = "started";
    private static final String STARTED_DESCRIPTOR = "(Ljava/lang/Process;Ljava/lang/ProcessBuilder;)Ljava/lang/Process;";
    private static final String START = "start";
    private static final String START_DESCRIPTOR = "([Ljava/lang/ProcessBuilder$Redirect;)Ljava/lang/Process;";
    private static final String IMPL = "java/lang/ProcessImpl";
    private static final String IMPL_START_DESCRIPTOR =
            "([Ljava/lang/String;Ljava/util/Map;Ljava/lang/String;[Ljava/lang/ProcessBuilder$Redirect;Z)Ljava/lang/Process;";

    private RewriteVisitors() {
    }

    static final class StartMethodFinder extends ClassVisitor {
        final String bridge;
        final String prefix;
        int environmentReads;
        int implStarts;

        /** Calls go to {@code bridge}'s {@code environment} and {@code started}, their names prefixed by {@code prefix}. */
        StartMethodFinder(ClassVisitor next, String bridge, String prefix) {
            super(Opcodes.ASM9, next);
            this.bridge = bridge;
            this.prefix = prefix;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (START.equals(name) && START_DESCRIPTOR.equals(descriptor)) {
                return new StartMethodRewriter(next, this);
            }
            return next;
        }
    }

    static final class StartMethodRewriter extends MethodVisitor {
        private final StartMethodFinder counts;

        StartMethodRewriter(MethodVisitor next, StartMethodFinder counts) {
            super(Opcodes.ASM9, next);
            this.counts = counts;
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            super.visitFieldInsn(opcode, owner, name, descriptor);
            if (opcode == Opcodes.GETFIELD && PROCESS_BUILDER.equals(owner) && "environment".equals(name)
                    && "Ljava/util/Map;".equals(descriptor)) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, counts.bridge, counts.prefix + ENVIRONMENT,
                        ENVIRONMENT_DESCRIPTOR, false);
                counts.environmentReads++;
            }
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            if (opcode == Opcodes.INVOKESTATIC && IMPL.equals(owner) && START.equals(name)
                    && IMPL_START_DESCRIPTOR.equals(descriptor)) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, counts.bridge, counts.prefix + STARTED,
                        STARTED_DESCRIPTOR, false);
                counts.implStarts++;
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            // 'this' is pushed on top of the returned Process: one slot more at most
            super.visitMaxs(maxStack + 1, maxLocals);
        }
    }

    /**
     * Adds the template's fields and methods (not its constructor) to the class being written,
     * renamed {@code reap$...} and owned by {@code ProcessBuilder}: all private, but for
     * {@link #CONNECT}; synthetic, as generated members are.
     */
    static final class BridgeMerger extends ClassVisitor {
        private final byte[] template;

        BridgeMerger(ClassVisitor next, byte[] template) {
            super(Opcodes.ASM9, next);
            this.template = template;
        }

        @Override
        public void visitEnd() {
            Map<String, String> names = new HashMap<>();
            names.put(TEMPLATE, PROCESS_BUILDER);
            names.put(TEMPLATE + ".environmentHook", MERGED + "environmentHook");
            names.put(TEMPLATE + ".startHook", MERGED + "startHook");
            names.put(TEMPLATE + "." + ENVIRONMENT + ENVIRONMENT_DESCRIPTOR, MERGED + ENVIRONMENT);
            names.put(TEMPLATE + "." + STARTED + STARTED_DESCRIPTOR, MERGED + STARTED);
            names.put(TEMPLATE + "." + CONNECT_TEMPLATE, CONNECT);
            new ClassReader(template).accept(new ClassRemapper(new MemberCopier(cv), new SimpleRemapper(names)), 0);
            super.visitEnd();
        }
    }

    /** Passes on fields and methods only, with the merged bridge's access; the class itself is not copied. */
    static final class MemberCopier extends ClassVisitor {
        private static final int MEMBER = Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC;
        private final ClassVisitor target;

        MemberCopier(ClassVisitor target) {
            super(Opcodes.ASM9);
            this.target = target;
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            return target.visitField(MEMBER | Opcodes.ACC_PRIVATE | Opcodes.ACC_VOLATILE, name, descriptor, signature, value);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            if ("<init>".equals(name)) {
                return null;
            }
            int visibility = CONNECT.equals(name) ? Opcodes.ACC_PUBLIC : Opcodes.ACC_PRIVATE;
            return target.visitMethod(MEMBER | visibility, name, descriptor, signature, exceptions);
        }
    }
}
