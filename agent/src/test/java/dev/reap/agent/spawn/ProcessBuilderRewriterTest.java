package dev.reap.agent.spawn;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The rewrite of this JDK's own {@code ProcessBuilder}, read back with ASM. */
class ProcessBuilderRewriterTest {
    private static final int PRIVATE_STATIC_SYNTHETIC = Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC;

    @Test
    void theSeparateBridgeIsCalledAroundTheOneStart() throws IOException {
        Shape shape = Shape.of(ProcessBuilderRewriter.rewrite(jdkProcessBuilder()));

        assertThat(shape.startCalls).containsExactly(
                "java/lang/ReapAgentBridge.environment(Ljava/util/Map;)Ljava/util/Map;",
                "java/lang/ProcessImpl.start",
                "java/lang/ReapAgentBridge.started(Ljava/lang/Process;Ljava/lang/ProcessBuilder;)Ljava/lang/Process;");
        assertThat(shape.members.keySet()).noneMatch(name -> name.startsWith("reap$"));
    }

    @Test
    void aMergedBridgeIsPrivateButForItsConnectAndNamesNothingOfTheAgent() throws IOException {
        byte[] merged = ProcessBuilderRewriter.rewriteMerged(jdkProcessBuilder(), BridgeClass.resource("BridgeTemplate.class"));
        Shape shape = Shape.of(merged);

        assertThat(shape.startCalls).containsExactly(
                "java/lang/ProcessBuilder.reap$environment(Ljava/util/Map;)Ljava/util/Map;",
                "java/lang/ProcessImpl.start",
                "java/lang/ProcessBuilder.reap$started(Ljava/lang/Process;Ljava/lang/ProcessBuilder;)Ljava/lang/Process;");
        assertThat(shape.members).containsEntry("reap$environmentHook", PRIVATE_STATIC_SYNTHETIC | Opcodes.ACC_VOLATILE)
                .containsEntry("reap$startHook", PRIVATE_STATIC_SYNTHETIC | Opcodes.ACC_VOLATILE)
                .containsEntry("reap$environment", PRIVATE_STATIC_SYNTHETIC)
                .containsEntry("reap$started", PRIVATE_STATIC_SYNTHETIC)
                .containsEntry(ProcessBuilderRewriter.CONNECT, Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC);
        assertThat(shape.members.keySet()).filteredOn(name -> name.startsWith("reap$")).hasSize(5);
        assertThat(new String(merged, StandardCharsets.ISO_8859_1)).doesNotContain("dev/reap").doesNotContain("BridgeTemplate");
    }

    @Test
    void aClassWithoutTheStartMethodIsLeftAlone() throws IOException {
        byte[] template = BridgeClass.resource("BridgeTemplate.class");
        assertThat(ProcessBuilderRewriter.rewrite(template)).isNull();
        assertThat(ProcessBuilderRewriter.rewriteMerged(template, template)).isNull();
    }

    private static byte[] jdkProcessBuilder() throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream("java/lang/ProcessBuilder.class")) {
            return in.readAllBytes();
        }
    }

    /** The members' access flags by name, and the calls {@code start(Redirect[])} makes around {@code ProcessImpl.start}. */
    private static final class Shape extends ClassVisitor {
        final Map<String, Integer> members = new LinkedHashMap<>();
        final List<String> startCalls = new ArrayList<>();

        private Shape() {
            super(Opcodes.ASM9);
        }

        static Shape of(byte[] classFile) {
            Shape shape = new Shape();
            new ClassReader(classFile).accept(shape, 0);
            return shape;
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            members.put(name, access);
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            members.putIfAbsent(name, access);
            if (!"start".equals(name) || !descriptor.startsWith("([Ljava/lang/ProcessBuilder$Redirect;)")) {
                return null;
            }
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
                    if (owner.equals("java/lang/ProcessImpl") && method.equals("start")) {
                        startCalls.add(owner + "." + method);
                    } else if (method.contains("environment") || method.contains("started")) {
                        if (opcode == Opcodes.INVOKESTATIC) {
                            startCalls.add(owner + "." + method + desc);
                        }
                    }
                }
            };
        }
    }
}
