package dev.reap.it;

import dev.reap.it.support.Cli;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Proc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code reap --parent PID}: the descendants of a live process, with the ladder; never the process, never another user's. */
class ReapParentTest extends HostTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void endParents() {
        Proc.endAll(started);
    }

    /** A live shell (the hung tool) with a plain child, a setsid one and one that ignores SIGINT; lives on without them. */
    private Process tool(String extra) throws IOException {
        ProcessBuilder b = new ProcessBuilder("sh", "-c", "sleep 600 & setsid sleep 600 & (trap '' INT; exec sleep 600) & "
                + extra + "echo ready; wait; exec sleep 600");
        b.environment().put(MARK, mark);
        Process p = b.start();
        started.add(p);
        return p;
    }

    private static List<Long> childrenOf(Process tool) throws IOException {
        assertThat(new String(tool.getInputStream().readNBytes(6))).isEqualTo("ready\n");
        List<Long> pids = new ArrayList<>();
        tool.children().forEach(c -> pids.add(c.pid()));
        return pids;
    }

    @Test
    void endsTheDescendantsNotTheProcessAndSaysWhat() throws Exception {
        Process tool = tool("");
        List<Long> children = childrenOf(tool);
        assertThat(children).hasSize(3);

        Cli dry = Cli.run(dir, mark, "reap", "--parent", Long.toString(tool.pid()), "--dry-run");
        assertThat(dry.status).as("%s", dry).isEqualTo(1);
        assertThat(dry.out).contains("dry run: 3 found, nothing was signalled");
        assertThat(children).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        Cli r = Cli.run(dir, mark, "reap", "--parent", Long.toString(tool.pid()), "--grace", "500ms");
        assertThat(r.status).as("%s", r).isZero();
        // a non-interactive shell's background jobs ignore SIGINT: they skip that rung
        assertThat(r.out).contains("ended on SIGTERM").contains("reaped 3 processes under " + tool.pid());
        assertThat(eventually(Duration.ofSeconds(5), () -> tool.children().count() == 0)).isTrue();
        assertThat(tool.isAlive()).as("the parent itself is not signalled").isTrue();

        Cli again = Cli.run(dir, mark, "reap", "--parent", Long.toString(tool.pid()), "--json");
        assertThat(again.status).isZero();
        assertThat(again.out).contains("\"parent\": " + tool.pid()).contains("\"processes\": []");
    }

    @Test
    void theShellRunningTheCommandUnderTheParentIsNotSignalled() throws Exception {
        // a step of the hung tool runs `reap --parent <tool>` through a shell of its own: that
        // shell (between the tool and the command) must live on to report the status
        ProcessBuilder b = new ProcessBuilder("sh", "-c", "sleep 600 & sh -c '\"$0\" -jar \"$1\" reap --parent '$$' >/dev/null;"
                + " echo status $?' \"$0\" \"$1\"; wait",
                dev.reap.it.support.Jdk.current().java(), dev.reap.it.support.Host.AGENT_JAR.toString());
        b.environment().put(MARK, mark);
        Process tool = b.start();
        started.add(tool);

        String out = new String(tool.getInputStream().readAllBytes());
        assertThat(tool.waitFor()).as("the tool ends once its sleep was reaped").isZero();
        assertThat(out).as("the step's shell lived to report the command's status").isEqualTo("status 0\n");
    }

    @Test
    void theRestOfTheCommandsPipelineIsNotSignalled() throws Exception {
        // `reap --parent $$ | cat` from a script: cat reads the command's output, it is not a leftover
        ProcessBuilder b = new ProcessBuilder("sh", "-c", "sleep 600 & \"$0\" -jar \"$1\" reap --parent $$ | cat; wait",
                dev.reap.it.support.Jdk.current().java(), dev.reap.it.support.Host.AGENT_JAR.toString());
        b.environment().put(MARK, mark);
        Process tool = b.start();
        started.add(tool);

        String out = new String(tool.getInputStream().readAllBytes());
        assertThat(tool.waitFor()).isZero();
        assertThat(out).as("cat lived to pass the report on").contains("reaped 1 process under").contains("sleep 600");
    }

    @Test
    void badInputIsOneLineAndSignalsNothing() throws Exception {
        Process tool = tool("");
        List<Long> children = childrenOf(tool);
        for (String[] args : List.of(new String[] {"reap"}, new String[] {"reap", "--parent", "abc"},
                new String[] {"reap", "--parent", "1"}, new String[] {"reap", "--parent", "999999999"},
                new String[] {"reap", "--parent", Long.toString(tool.pid()), "--grace", "soon"},
                new String[] {"reap", "--pid", Long.toString(tool.pid())})) {
            Cli r = Cli.run(dir, mark, args);
            assertThat(r.status).as("%s: %s", String.join(" ", args), r).isEqualTo(2);
            assertThat(r.err.split("\n")).as("one line: %s", r.err).hasSize(1);
            assertThat(r.err).startsWith("reap-agent reap: ").doesNotContain("Exception");
        }
        assertThat(children).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void anotherUsersProcessesAreLeftAlone() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && new java.io.File("/usr/bin/setpriv").canExecute(),
                "needs root and setpriv to run a process as another user");
        Process tool = tool("setpriv --reuid 65534 --regid 65534 --clear-groups sleep 600 & ");
        childrenOf(tool);

        Cli r = Cli.run(dir, mark, "reap", "--parent", Long.toString(tool.pid()), "--grace", "500ms");
        assertThat(r.status).as("%s", r).isZero();
        assertThat(r.out).contains("reaped 3 processes");
        assertThat(tool.children().map(c -> c.info().user().orElse("?"))).as("only the other user's sleep is left")
                .containsExactly("nobody");

        Process otherTool = new ProcessBuilder("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                "sh", "-c", "sleep 600 & wait").start();
        started.add(otherTool);
        Cli refused = Cli.run(dir, mark, "reap", "--parent", Long.toString(otherTool.pid()));
        assertThat(refused.status).isEqualTo(2);
        assertThat(refused.err).contains("is another user's; nothing was signalled");
    }
}
