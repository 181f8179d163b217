package dev.reap.maven;

import org.junit.jupiter.api.Test;

import java.io.File;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The argument as Surefire's argLine splits it: on spaces outside quotes, a backslash escaping nothing. */
class AgentArgumentTest {
    private static final File JAR = new File("/repo/reap-agent.jar");

    @Test
    void quotedOnlyWhenItMustBeAndNeverEscaped() {
        assertThat(AgentArgument.of(JAR, "grace=2s")).isEqualTo("-javaagent:/repo/reap-agent.jar=grace=2s");
        assertThat(AgentArgument.of(JAR, "exclude=sleep 6\\d1")).as("a regex's backslash reaches the agent as written")
                .isEqualTo("\"-javaagent:/repo/reap-agent.jar=exclude=sleep 6\\d1\"");
        assertThat(AgentArgument.of(JAR, "exclude=say \"hi\"")).isEqualTo("'-javaagent:/repo/reap-agent.jar=exclude=say \"hi\"'");
        assertThatThrownBy(() -> AgentArgument.of(JAR, "exclude=\"it's\"")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both ' and \"");
    }

    @Test
    void mergedKeepsTheRestInItsOrderAndReplacesAnEarlierAgentOfTheSameJar() {
        String ours = AgentArgument.of(JAR, "grace=2s");
        String line = "-javaagent:/repo/jacoco.jar=destfile=x \"-Dmsg=hello world\" \"-javaagent:/repo/reap-agent.jar=exclude=a b\" -Xmx1g";
        assertThat(AgentArgument.mergedInto(line, JAR, ours))
                .isEqualTo("-javaagent:/repo/jacoco.jar=destfile=x \"-Dmsg=hello world\" -Xmx1g " + ours);
        assertThat(AgentArgument.mergedInto(null, JAR, ours)).isEqualTo(ours);
    }
}
