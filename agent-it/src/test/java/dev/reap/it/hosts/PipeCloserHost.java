package dev.reap.it.hosts;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A host whose own code closes the watchdog's pipe, as native code closing every descriptor
 * would, and then reuses its number for a file of its own: spawns {@code sleep 600} ("first"),
 * waits for the watchdog, closes the host's descriptor of its pipe, opens files under
 * {@code <dir>} until that number is taken again ({@code <dir>/victim}, if no part of the JVM
 * took it first), spawns three more
 * ({@code plain1..3}), prints {@code ready} and waits for its end. Needs
 * {@code --add-opens java.base/java.io=ALL-UNNAMED} (a descriptor is closed by number).
 *
 * <p>Usage: {@code PipeCloserHost <dir>}
 */
public final class PipeCloserHost {
    private PipeCloserHost() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        print("first", new ProcessBuilder("sleep", "600").start().pid());
        int pipe = watchdogPipe();
        FileDescriptor descriptor = new FileDescriptor();
        Field fd = FileDescriptor.class.getDeclaredField("fd");
        fd.setAccessible(true);
        fd.setInt(descriptor, pipe);
        new FileInputStream(descriptor).close();
        // until the number is taken again: by the victim, or by the agent itself (a new sidecar's
        // pipe, when its reporter saw the loss first); either way none of the agent's lines may reach the victim
        List<FileOutputStream> opened = new ArrayList<>();
        Path victim = dir.resolve("victim");
        for (int i = 0; i < 64 && link("/proc/self/fd/" + pipe) == null; i++) {
            Files.deleteIfExists(victim);
            opened.add(new FileOutputStream(victim.toFile()));
        }
        for (int i = 1; i <= 3; i++) {
            print("plain" + i, new ProcessBuilder("sleep", "600").start().pid());
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** This JVM's descriptor of the pipe its watchdog reads, once the watchdog is there (30 s at most). */
    private static int watchdogPipe() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (ProcessHandle child : (Iterable<ProcessHandle>) ProcessHandle.current().children()::iterator) {
                String command = child.info().commandLine().orElse("");
                String stdin = link("/proc/" + child.pid() + "/fd/0");
                if (command.contains("WatchdogMain") && stdin != null && stdin.startsWith("pipe:")) {
                    for (String name : new File("/proc/self/fd").list()) {
                        if (stdin.equals(link("/proc/self/fd/" + name))) {
                            return Integer.parseInt(name);
                        }
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no watchdog");
    }

    private static String link(String path) {
        try {
            return Files.readSymbolicLink(Paths.get(path)).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void print(String kind, long pid) {
        System.out.println(kind + " " + pid);
        System.out.flush();
    }
}
