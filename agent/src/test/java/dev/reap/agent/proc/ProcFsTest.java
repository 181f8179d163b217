package dev.reap.agent.proc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProcFsTest {
    @Test
    void statParsesCommandNamesWithSpacesAndParentheses() {
        String text = "4242 (my (odd) name) S 17 4242 4242 0 -1 4194304 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10"
                + " 18446744073709551615 1 1 0 0 0 0 2 65536 17 0 0 0 0 0 0";
        ProcStat stat = parse(4242, text);
        assertThat(stat.parentPid()).isEqualTo(17);
        assertThat(stat.state()).isEqualTo('S');
        assertThat(stat.startTicks()).isEqualTo(987654);
        assertThat(stat.ignoredSignals()).as("field 33").isEqualTo(65536);
    }

    @Test
    void malformedStatIsNull() {
        assertThat(parse(1, "garbage")).isNull();
        assertThat(parse(1, "1 (x) S 0")).isNull();
    }

    /** A stat file's text, parsed as the agent reads it: as bytes. */
    private static ProcStat parse(long pid, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return ProcStat.parse(pid, bytes, bytes.length);
    }

    @Test
    void zombiesCountAsExited() {
        assertThat(new ProcStat(1, 0, 'Z', 1).exited()).isTrue();
        assertThat(new ProcStat(1, 0, 'S', 1).exited()).isFalse();
    }

    @Test
    void findsOneVariableInAnEnvironBlock() {
        byte[] environ = "A=1\0REAP_AGENT_SESSIONS=1-2,3-4\0REAP_AGENT_SESSIONSX=no\0".getBytes(StandardCharsets.UTF_8);
        assertThat(ProcEnviron.findVariable(environ, "REAP_AGENT_SESSIONS")).isEqualTo("1-2,3-4");
        assertThat(ProcEnviron.findVariable(environ, "B")).isNull();
    }

    @Test
    void readsThisJvm() {
        ProcStat self = ProcFs.self();
        assertThat(self.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(ProcFs.isAlive(self.pid(), self.startTicks())).isTrue();
        assertThat(ProcFs.isAlive(self.pid(), self.startTicks() + 1)).isFalse();
        assertThat(ProcFs.commandLine(self.pid())).contains("java");
    }

    @Test
    void ignoredSignalsMatchTheStatusFile() throws Exception {
        Process deaf = new ProcessBuilder("sh", "-c", "trap '' INT USR1; exec sleep 30").start();
        try {
            long sigInt = 1L << 1;
            long sigUsr1 = 1L << 9;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((ProcFs.ignoredSignals(deaf.pid()) & sigInt) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(ProcFs.ignoredSignals(deaf.pid()) & (sigInt | sigUsr1)).isEqualTo(sigInt | sigUsr1);
            String status = new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("/proc/" + deaf.pid() + "/status")));
            String sigIgn = status.substring(status.indexOf("SigIgn:") + 7, status.indexOf('\n', status.indexOf("SigIgn:"))).trim();
            // stat's field covers the classic signals (1-31), all a ladder may use
            long classic = 0x7fffffffL;
            assertThat(ProcFs.ignoredSignals(deaf.pid()) & classic).isEqualTo(Long.parseUnsignedLong(sigIgn, 16) & classic);
        } finally {
            deaf.destroyForcibly().waitFor();
        }
    }

    @Test
    void vanishedProcessesReadAsAbsent() {
        assertThat(ProcFs.stat(Integer.MAX_VALUE)).isNull();
        assertThat(ProcFs.commandLine(Integer.MAX_VALUE)).isNull();
        assertThat(ProcEnviron.variable(Integer.MAX_VALUE, "PATH")).isNull();
        assertThat(ProcFs.ignoredSignals(Integer.MAX_VALUE)).isZero();
    }
}
