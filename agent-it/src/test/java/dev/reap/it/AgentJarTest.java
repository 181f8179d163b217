package dev.reap.it;

import dev.reap.it.support.Host;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/** Opens the built jar: what it holds, what it relocated, and the manifest the JVM reads. */
class AgentJarTest {
    private static List<String> entries() throws IOException {
        try (JarFile jar = new JarFile(Host.AGENT_JAR.toFile())) {
            List<String> names = new ArrayList<>();
            for (JarEntry e : Collections.list(jar.entries())) {
                names.add(e.getName());
            }
            return names;
        }
    }

    @Test
    void everyClassIsTheAgentsOrRelocatedUnderIt() throws IOException {
        assertThat(entries()).filteredOn(n -> n.endsWith(".class"))
                .isNotEmpty()
                .allSatisfy(n -> assertThat(n).startsWith("dev/reap/"));
        assertThat(entries()).noneMatch(n -> n.startsWith("net/") || n.startsWith("org/"));
    }

    @Test
    void byteBuddysAsmAndSlf4jAreRelocated() throws IOException {
        assertThat(entries()).contains(
                "dev/reap/agent/shaded/bytebuddy/jar/asm/ClassReader.class",
                "dev/reap/agent/shaded/slf4j/Logger.class");
    }

    @Test
    void nothingStrayInMetaInf() throws IOException {
        assertThat(entries()).filteredOn(n -> n.startsWith("META-INF/") && !n.endsWith("/"))
                .containsExactlyInAnyOrder(
                        "META-INF/MANIFEST.MF",
                        "META-INF/NOTICE",
                        "META-INF/licenses/ASM",
                        "META-INF/LICENSE.txt",
                        "META-INF/services/org.junit.platform.launcher.TestExecutionListener");
        assertThat(entries()).noneMatch(n -> n.endsWith("module-info.class"));
    }

    @Test
    void theJUnitListenerIsRegisteredAndNamesJUnitUnrelocated() throws IOException {
        try (JarFile jar = new JarFile(Host.AGENT_JAR.toFile())) {
            String services = new String(jar.getInputStream(
                    jar.getEntry("META-INF/services/org.junit.platform.launcher.TestExecutionListener")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(services.trim()).isEqualTo("dev.reap.agent.junit.ReapTestListener");
            // JUnit is the run's own: referred to by its own names, never bundled
            String listener = new String(jar.getInputStream(jar.getEntry("dev/reap/agent/junit/ReapTestListener.class"))
                    .readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(listener).contains("org/junit/platform/launcher/TestExecutionListener").doesNotContain("shaded/junit");
        }
        assertThat(entries()).noneMatch(n -> n.contains("junit/platform"));
    }

    @Test
    void manifestIsTheContract() throws IOException {
        try (JarFile jar = new JarFile(Host.AGENT_JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("dev.reap.agent.Agent");
            assertThat(main.getValue("Agent-Class")).isEqualTo("dev.reap.agent.Agent");
            assertThat(main.getValue("Main-Class")).isEqualTo("dev.reap.agent.cli.Main");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
            assertThat(main.getValue("Implementation-Version")).isNotBlank();
            assertThat(main.getValue("Launcher-Agent-Class")).as("the CLI must not load the agent into itself").isNull();
        }
    }

    @Test
    void agentClassesTargetJava11() throws IOException {
        try (JarFile jar = new JarFile(Host.AGENT_JAR.toFile())) {
            byte[] header = jar.getInputStream(jar.getEntry("dev/reap/agent/Agent.class")).readNBytes(8);
            int major = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            assertThat(major).as("class file version of Java 11").isEqualTo(55);
        }
    }
}
