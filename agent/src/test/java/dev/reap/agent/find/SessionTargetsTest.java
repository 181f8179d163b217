package dev.reap.agent.find;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.proc.ProcStat;
import dev.reap.agent.reap.Target;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Session;
import dev.reap.agent.proc.OwnSpawns;
import dev.reap.agent.testing.Children;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What a session reaps, found in the real process table. */
class SessionTargetsTest {
    private static final Session SELF = Session.current(java.util.Map.of());

    @Test
    void aRecordedProcessAndItsDescendantsAreFound() throws Exception {
        try (Children children = new Children()) {
            Process parent = children.shReady("sleep 600 & echo ready; wait");
            long grandchild = awaitOnlyChild(parent.pid());
            long ticks = ProcFs.stat(parent.pid()).startTicks();

            List<Target> targets = SessionTargets.afterHostDeath(SELF, Map.of(parent.pid(), ticks), null);

            assertThat(pids(targets)).contains(parent.pid(), grandchild);
        }
    }

    @Test
    void aRecordedPidWithAnotherStartTimeIsAStrangerAndNeverATarget() throws Exception {
        try (Children children = new Children()) {
            Process parent = children.shReady("sleep 600 & echo ready; wait");
            long grandchild = awaitOnlyChild(parent.pid());
            long otherTicks = ProcFs.stat(parent.pid()).startTicks() - 1;

            List<Target> targets = SessionTargets.afterHostDeath(SELF, Map.of(parent.pid(), otherTicks), null);

            assertThat(pids(targets)).doesNotContain(parent.pid(), grandchild);
        }
    }

    /** Started as the agent's own spawns: a hook another test installed in this JVM must not re-tag them. */
    @Test
    void aProcessTaggedWithTheSessionIsFoundWithoutBeingRecorded() throws Exception {
        // orphans, as a daemon is once its parent is gone: a tagged child of this JVM that is not
        // recorded is a spawn under way, never signalled for its tag
        long daemon = orphanTagged("1-1" + Session.SEPARATOR + SELF.id());
        long stranger = orphanTagged(SELF.id() + "0");
        try {
            List<Long> found = pids(SessionTargets.afterHostDeath(SELF, Map.of(), null));

            assertThat(found).contains(daemon).doesNotContain(stranger);
        } finally {
            ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(stranger).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * The watchdog reads its host's end of stream while the host is still exiting: its children
     * are not re-parented yet. A tagged one that was not yet told is a leftover, not a spawn under
     * way (CI under load: a {@code trap '' INT} child survived a SIGKILLed host).
     */
    @Test
    void aTaggedChildOfAHostStillExitingIsFound() throws Exception {
        try (Children children = new Children()) {
            Process host = children.sh("read tag; REAP_AGENT_SESSIONS=\"$tag\" sleep 600 & echo ready; wait");
            Session session = Session.parse(host.pid() + "-" + ProcFs.stat(host.pid()).startTicks() + "-"
                    + dev.reap.agent.proc.Namespace.current());
            host.getOutputStream().write((session.id() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            host.getOutputStream().flush();
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(host.getInputStream())).readLine())
                    .isEqualTo("ready");
            long child = awaitOnlyChild(host.pid());

            assertThat(pids(SessionTargets.afterHostDeath(session, Map.of(), null))).contains(child);
        }
    }

    @Test
    void aProcessOfAnotherUserCarryingTheSessionsTagIsNeverATarget() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ProcFs.ownUserIds()[1] == 0 && new java.io.File("/usr/bin/setpriv").canExecute(),
                "needs root and setpriv to start a process as another user");
        try (Children children = new Children()) {
            ProcessBuilder copied = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                    "--clear-groups", "sleep", "600");
            copied.environment().put(Session.TAG, SELF.chain());
            Process nobody = OwnSpawns.start(copied);
            children.started().add(nobody);
            Children.await(Duration.ofSeconds(5), () -> "sleep 600".equals(ProcFs.commandLine(nobody.pid())));

            List<Long> found = pids(SessionTargets.afterHostDeath(SELF, Map.of(), null));

            assertThat(found).as("another user's process with a copied tag").doesNotContain(nobody.pid());
            assertThat(pids(SessionTargets.afterHostDeath(SELF, Map.of(nobody.pid(),
                    ProcFs.stat(nobody.pid()).startTicks()), null)))
                    .as("but a recorded child is ours whatever user it runs as").contains(nobody.pid());
        }
    }

    @Test
    void everyAdoptedProcessKeepsItsOwnOriginEvenBelowAnotherAdoptedOne() throws Exception {
        try (Children children = new Children()) {
            Process parent = children.shReady("sleep 600 & echo ready; wait");
            long grandchild = awaitOnlyChild(parent.pid());
            List<Adopted> adopted = List.of(
                    new Adopted(parent.pid(), ProcFs.stat(parent.pid()).startTicks(), SELF.pid(), true, "sh", 1, null),
                    new Adopted(grandchild, ProcFs.stat(grandchild).startTicks(), parent.pid(), false, "sleep 600", 2, null));

            List<Target> targets = SessionTargets.atExit(SELF, List.of(), adopted, List.of(), Long.MAX_VALUE, null, null);

            Target found = targets.stream().filter(t -> t.pid() == grandchild).findFirst().orElseThrow();
            assertThat(found.origin().describe()).isEqualTo("started by pid " + parent.pid() + " before attach");
            assertThat(found.origin().spawnedAtMillis()).as("its own start, as adopted").isEqualTo(2);
        }
    }

    /** A {@code sleep 600} with {@code tag}, whose parent has exited. */
    private static long orphanTagged(String tag) throws Exception {
        ProcessBuilder b = new ProcessBuilder("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!");
        b.environment().put(Session.TAG, tag);
        Process shell = OwnSpawns.start(b);
        long pid = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(shell.getInputStream()))
                .readLine().trim());
        shell.waitFor();
        Children.await(Duration.ofSeconds(5), () -> "sleep 600".equals(ProcFs.commandLine(pid)));
        return pid;
    }

    private static long awaitOnlyChild(long parent) throws InterruptedException {
        long[] child = {-1};
        Children.await(Duration.ofSeconds(5), () -> {
            for (long pid : ProcFs.pids()) {
                ProcStat stat = ProcFs.stat(pid);
                if (stat != null && stat.parentPid() == parent && "sleep 600".equals(ProcFs.commandLine(pid))) {
                    child[0] = pid;
                    return true;
                }
            }
            return false;
        });
        assertThat(child[0]).as("the sleep started by %d", parent).isPositive();
        return child[0];
    }

    private static List<Long> pids(List<Target> targets) {
        return targets.stream().map(Target::pid).collect(Collectors.toList());
    }
}
