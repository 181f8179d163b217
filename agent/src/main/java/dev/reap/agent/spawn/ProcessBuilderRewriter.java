package dev.reap.agent.spawn;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Rewrites the one JDK method every spawn passes through, the private
 * {@code ProcessBuilder.start(Redirect[])} ({@code start()}, {@code startPipeline} and every
 * {@code Runtime.exec} call it; it is the only caller of {@code ProcessImpl.start}):
 *
 * <pre>
 *   ProcessImpl.start(cmd, environment, dir, redirects, merge)
 * becomes
 *   ReapAgentBridge.started(
 *       ProcessImpl.start(cmd, ReapAgentBridge.environment(environment), dir, redirects, merge),
 *       this)
 * </pre>
 *
 * Two stack-neutral insertions, no new branch or local: a failed start throws from
 * {@code ProcessImpl.start} before {@code started} is reached, so it records nothing. When the
 * method does not have that shape (an unknown JDK), nothing is changed and the caller says so.
 *
 * <p>The bridge takes one of two forms. When {@code ProcessBuilder} is being loaded (the agent
 * loads it at start-up), {@link BridgeTemplate}'s members are merged into it, renamed
 * {@code reap$...}, private but for {@code reap$connect}: no class is defined into
 * {@code java.lang} and no package is opened, which cost a cold JVM milliseconds. A class already
 * loaded cannot gain members, so a retransformation (attach) calls the separate bridge class.
 */
public final class ProcessBuilderRewriter {
    /** The bridge's name once defined: a {@code java.lang} class, visible to {@code ProcessBuilder}. */
    public static final String BRIDGE = "java/lang/ReapAgentBridge";
    /** The public method of a merged bridge that points its hooks at the agent. */
    public static final String CONNECT = "reap$connect";
    static final String MERGED = "reap$";
    /** The template's {@code connect}, name and descriptor, as the remapper names a method. */
    static final String CONNECT_TEMPLATE = "connect(Ljava/util/function/UnaryOperator;Ljava/util/function/BiConsumer;)V";

    static final String PROCESS_BUILDER = "java/lang/ProcessBuilder";
    static final String TEMPLATE = "dev/reap/agent/spawn/BridgeTemplate";
    private static final int CLASS_VERSION_OFFSET = 6;
    /** The newest class file version the bundled ASM reads (Java 27). */
    private static final int NEWEST_READABLE = Opcodes.V27;

    private ProcessBuilderRewriter() {
    }

    /** Everything the hook installs for {@code original} (see {@link RewriteSource#rewrite}); null for an unknown shape. */
    static Rewrite compute(byte[] original, boolean merged) throws IOException {
        if (merged) {
            byte[] processBuilder = rewriteMerged(original, BridgeClass.resource("BridgeTemplate.class"));
            return processBuilder == null ? null
                    : Rewrite.merged(processBuilder, renameConnect(BridgeClass.resource("MergedConnector.class")));
        }
        byte[] processBuilder = rewrite(original);
        return processBuilder == null ? null : new Rewrite(processBuilder,
                renameTemplate(BridgeClass.resource("BridgeTemplate.class")),
                renameTemplate(BridgeClass.resource("BridgeDefiner.class")));
    }

    /** The rewritten class calling the separate bridge, or null when {@code original} has an unknown shape. */
    public static byte[] rewrite(byte[] original) {
        return rewrite(original, null);
    }

    /**
     * The rewritten class with the bridge merged into it, from the bytes of
     * {@link BridgeTemplate}; null when {@code original} has an unknown shape. Only for a class
     * being loaded: a retransformation may not add members.
     */
    public static byte[] rewriteMerged(byte[] original, byte[] template) {
        return rewrite(original, template);
    }

    private static byte[] rewrite(byte[] original, byte[] template) {
        int version = classVersion(original);
        byte[] input = original;
        if (version > NEWEST_READABLE) {
            // A JDK newer than the bundled ASM: the method's shape is what matters, and no new
            // construct is added, so read it as the newest known version and restore the number.
            input = withClassVersion(original, NEWEST_READABLE);
        }
        ClassReader reader = new ClassReader(input);
        ClassWriter writer = new ClassWriter(reader, 0);
        RewriteVisitors.StartMethodFinder finder = template == null
                ? new RewriteVisitors.StartMethodFinder(writer, BRIDGE, "")
                : new RewriteVisitors.StartMethodFinder(new RewriteVisitors.BridgeMerger(writer, template), PROCESS_BUILDER, MERGED);
        reader.accept(finder, 0);
        if (finder.environmentReads != 1 || finder.implStarts != 1) {
            return null;
        }
        byte[] rewritten = writer.toByteArray();
        return version > NEWEST_READABLE ? withClassVersion(rewritten, version) : rewritten;
    }

    /**
     * A class file with every reference to the template renamed to {@link #BRIDGE}: the template
     * itself becomes the bridge, and the definer's call to the template calls the bridge.
     */
    public static byte[] renameTemplate(byte[] template) {
        ClassReader reader = new ClassReader(template);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, new SimpleRemapper(TEMPLATE, BRIDGE)), 0);
        return writer.toByteArray();
    }

    /** {@link MergedConnector} calling the merged {@code ProcessBuilder.reap$connect} instead of the template's {@code connect}. */
    static byte[] renameConnect(byte[] connector) {
        Map<String, String> names = new HashMap<>();
        names.put(TEMPLATE, PROCESS_BUILDER);
        names.put(TEMPLATE + "." + CONNECT_TEMPLATE, CONNECT);
        ClassReader reader = new ClassReader(connector);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, new SimpleRemapper(names)), 0);
        return writer.toByteArray();
    }

    static int classVersion(byte[] classFile) {
        return ((classFile[CLASS_VERSION_OFFSET] & 0xff) << 8) | (classFile[CLASS_VERSION_OFFSET + 1] & 0xff);
    }

    private static byte[] withClassVersion(byte[] classFile, int version) {
        byte[] copy = classFile.clone();
        copy[CLASS_VERSION_OFFSET] = (byte) (version >>> 8);
        copy[CLASS_VERSION_OFFSET + 1] = (byte) version;
        return copy;
    }
}
