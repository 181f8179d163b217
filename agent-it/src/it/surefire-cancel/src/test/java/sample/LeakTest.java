package sample;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Starts a server-like child and a setsid daemon, writes their PIDs, and hangs until the build is cancelled. */
class LeakTest {
    @Test
    void startsProcessesAndHangs() throws Exception {
        Path pids = Paths.get(System.getenv("REAP_IT_PIDS"));
        Process plain = new ProcessBuilder("sleep", "600").start();
        Path daemonPid = Paths.get(pids + ".daemon");
        new ProcessBuilder("setsid", "-f", "sh", "-c", "echo $$ > \"$0\"; exec sleep 600", daemonPid.toString())
                .start().waitFor();
        while (!Files.exists(daemonPid) || !new String(Files.readAllBytes(daemonPid), StandardCharsets.UTF_8).endsWith("\n")) {
            Thread.sleep(5);
        }
        String daemon = new String(Files.readAllBytes(daemonPid), StandardCharsets.UTF_8).trim();
        Files.write(pids, (plain.pid() + "\n" + daemon + "\n").getBytes(StandardCharsets.UTF_8));
        Thread.sleep(600_000);
    }
}
