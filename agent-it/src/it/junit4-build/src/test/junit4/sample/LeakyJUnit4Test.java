package sample;

import org.junit.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/** A child and a setsid daemon left behind by JUnit 4 tests; each records {@code <name> <pid> <start>} in $REAP_IT_PIDS. */
public class LeakyJUnit4Test {
    @Test
    public void leavesAChild() throws Exception {
        record("junit4-child", new ProcessBuilder("sleep", "600").start().pid());
    }

    @Test
    public void leavesADaemon() throws Exception {
        Path pidFile = Files.createTempFile("daemon", ".pid");
        new ProcessBuilder("setsid", "-f", "sh", "-c", "sleep 600 & echo $! > \"$0\"", pidFile.toString()).start().waitFor();
        while (Files.size(pidFile) == 0) {
            Thread.sleep(5);
        }
        record("junit4-daemon", Long.parseLong(new String(Files.readAllBytes(pidFile), StandardCharsets.UTF_8).trim()));
    }

    static void record(String name, long pid) throws Exception {
        String stat = new String(Files.readAllBytes(Paths.get("/proc/" + pid + "/stat")), StandardCharsets.ISO_8859_1);
        String ticks = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
        Files.write(Paths.get(System.getenv("REAP_IT_PIDS")), (name + " " + pid + " " + ticks + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
