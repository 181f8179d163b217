package dev.reap.it.hosts;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Spawns as NuProcess 3 does, through JNA and not {@code ProcessBuilder}: {@code posix_spawnp}
 * with {@code System.getenv()}, a shell that starts a {@code sleep} and waits. Like NuProcess, a
 * shutdown hook of its own kills its direct children first, so the {@code sleep} is left to PID 1.
 * Prints {@code native <pid>}, {@code grandchild <pid>} and {@code ready}, then returns on a line.
 *
 * <p>Usage: {@code NativeSpawnHost <dir>}
 */
public final class NativeSpawnHost {
    /** libc, as the library binds it. */
    public interface LibC extends Library {
        int posix_spawnp(IntByReference pid, String file, Pointer fileActions, Pointer attributes, String[] argv,
                         String[] envp);

        int kill(int pid, int signal);
    }

    private NativeSpawnHost() {
    }

    public static void main(String[] args) throws Exception {
        LibC libc = Native.load("c", LibC.class);
        Path grandchild = Paths.get(args[0], "grandchild");
        List<String> environment = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            environment.add(e.getKey() + "=" + e.getValue());
        }
        IntByReference pid = new IntByReference();
        String[] argv = {"sh", "-c", "sleep 600 & echo $! > " + grandchild + ".tmp && mv " + grandchild + ".tmp "
                + grandchild + "; wait"};
        int status = libc.posix_spawnp(pid, "sh", null, null, argv, environment.toArray(new String[0]));
        if (status != 0) {
            throw new IllegalStateException("posix_spawnp: " + status);
        }
        int child = pid.getValue();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> libc.kill(child, 9)));
        while (!Files.exists(grandchild)) {
            Thread.sleep(5);
        }
        System.out.println("native " + child);
        System.out.println("grandchild " + new String(Files.readAllBytes(grandchild), StandardCharsets.UTF_8).trim());
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
