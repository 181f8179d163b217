package sample;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

class LeakyModuleTest {
    @Test
    void leavesAChild() throws Exception {
        long pid = new ProcessBuilder("sleep", "600").start().pid();
        String stat = new String(Files.readAllBytes(Paths.get("/proc/" + pid + "/stat")), StandardCharsets.ISO_8859_1);
        String ticks = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
        Files.write(Paths.get(System.getenv("REAP_IT_PIDS")), ("module-child " + pid + " " + ticks + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
