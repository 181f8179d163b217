package sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/** Records what the tests leave behind: one line {@code <name> <pid> <start ticks>} in $REAP_IT_PIDS. */
final class Spawned {
    private Spawned() {
    }

    static Process start(String name, String... command) throws IOException {
        Process p = new ProcessBuilder(command).start();
        record(name, p.pid());
        return p;
    }

    static void record(String name, long pid) throws IOException {
        String stat = new String(Files.readAllBytes(Paths.get("/proc/" + pid + "/stat")), StandardCharsets.ISO_8859_1);
        String ticks = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
        Files.write(Paths.get(System.getenv("REAP_IT_PIDS")), (name + " " + pid + " " + ticks + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** A setsid daemon: re-parented away from the fork at once; found later by its session tag. */
    static void daemon(String name) throws Exception {
        Path pidFile = Files.createTempFile("daemon", ".pid");
        Files.delete(pidFile);
        new ProcessBuilder("setsid", "-f", "sh", "-c", "echo $$ > \"$0\"; exec sleep 600", pidFile.toString()).start().waitFor();
        while (!Files.exists(pidFile) || !new String(Files.readAllBytes(pidFile), StandardCharsets.UTF_8).endsWith("\n")) {
            Thread.sleep(5);
        }
        record(name, Long.parseLong(new String(Files.readAllBytes(pidFile), StandardCharsets.UTF_8).trim()));
        Files.delete(pidFile);
    }

    /** The first child of {@code parent}, once it has one. */
    static long firstChild(Process parent) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (parent.descendants().count() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return parent.descendants().findFirst().orElseThrow().pid();
    }
}
