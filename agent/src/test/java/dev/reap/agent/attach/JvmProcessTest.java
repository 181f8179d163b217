package dev.reap.agent.attach;

import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code /proc} tells of a JVM before an attach. */
class JvmProcessTest {
    @Test
    void thisJvmIsReadAsItIs() {
        JvmProcess self = JvmProcess.of(ProcessHandle.current().pid());

        assertThat(self).isNotNull();
        assertThat(self.javaHome()).isEqualTo(Paths.get(System.getProperty("java.home")));
        assertThat(self.feature()).isEqualTo(Runtime.version().feature());
        assertThat(self.version()).startsWith(Integer.toString(Runtime.version().feature()));
        assertThat(self.openJ9()).isFalse();
    }

    @Test
    void aProcessWithoutLibjvmIsNoJvm() throws Exception {
        try (Children children = new Children()) {
            Process sleeper = children.start("sleep", "600");
            assertThat(JvmProcess.of(sleeper.pid())).isNull();
        }
    }

    @Test
    void theMainClassIsTheFirstArgumentThatIsNoOptionNorAnOptionsValue() {
        assertThat(JvmProcess.mainClass(List.of("java", "-Xmx1g", "-cp", "a.jar:b.jar", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Dx=y", "com.acme.Main", "arg"))).isEqualTo("com.acme.Main");
        assertThat(JvmProcess.mainClass(List.of("java", "-jar", "app.jar", "serve"))).isEqualTo("app.jar");
        assertThat(JvmProcess.mainClass(List.of("java", "-p", "mods", "-m", "acme/com.acme.Main"))).isEqualTo("acme/com.acme.Main");
        assertThat(JvmProcess.mainClass(List.of("java", "-version"))).isEqualTo("?");
    }

    @Test
    void theLastSettingOfAFlagWins() {
        assertThat(JvmProcess.flag(List.of("-XX:+DisableAttachMechanism"), "DisableAttachMechanism", false)).isTrue();
        assertThat(JvmProcess.flag(List.of("-XX:+DisableAttachMechanism", "-XX:-DisableAttachMechanism"),
                "DisableAttachMechanism", false)).isFalse();
        assertThat(JvmProcess.flag(List.of("-XX:+EnableDynamicAgentLoadingX"), "EnableDynamicAgentLoading", false)).isFalse();
    }
}
