package dev.reap.it.hosts.junit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sample tests for {@code JUnitHost} (not run by this build's Surefire: the name matches none of
 * its patterns). Each prints {@code <name> <pid>} for what it leaves alive; the last one prints
 * whether the first test's process was still alive when it ran.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class LeakySamples {
    private static Process leaked;

    @BeforeAll
    static void startsAServerForTheClass() throws IOException {
        print("class", new ProcessBuilder("sleep", "600").start());
    }

    @Test
    @Order(1)
    void leaks() throws IOException {
        leaked = new ProcessBuilder("sleep", "601").start();
        print("test", leaked);
    }

    @Test
    @Order(2)
    void cleansUp() throws Exception {
        Process p = spawn("sleep", "602");
        p.destroy();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    @Order(3)
    void leaksFromAThreadItStarted() throws Exception {
        Process[] started = new Process[1];
        Thread t = new Thread(() -> {
            try {
                started[0] = spawn("sleep", "603");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        t.join();
        print("thread", started[0]);
    }

    @Test
    @Order(4)
    void leaksAGrandchild() throws Exception {
        Process shell = spawn("sh", "-c", "sleep 604 & wait");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (shell.descendants().count() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        print("shell", shell);
        print("grandchild", shell.descendants().findFirst().orElseThrow().pid());
    }

    @Test
    @Order(5)
    void leavesADaemon() throws Exception {
        java.nio.file.Path pidFile = java.nio.file.Files.createTempFile("daemon", ".pid");
        java.nio.file.Files.delete(pidFile);
        spawn("setsid", "-f", "sh", "-c", "echo $$ > \"$0\"; exec sleep 605", pidFile.toString()).waitFor();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!java.nio.file.Files.exists(pidFile) || !new String(java.nio.file.Files.readAllBytes(pidFile)).endsWith("\n")) {
            assertTrue(System.nanoTime() < deadline, "the daemon wrote its pid");
            Thread.sleep(5);
        }
        print("daemon", Long.parseLong(new String(java.nio.file.Files.readAllBytes(pidFile)).trim()));
        java.nio.file.Files.delete(pidFile);
    }

    @Test
    @Order(6)
    void looksAtTheFirstTestsProcess() {
        System.out.println("first-test-process-alive " + leaked.isAlive());
    }

    private static Process spawn(String... command) throws IOException {
        return new ProcessBuilder(command).start();
    }

    private static void print(String name, Process p) {
        print(name, p.pid());
    }

    private static void print(String name, long pid) {
        System.out.println(name + " " + pid);
        System.out.flush();
    }
}
