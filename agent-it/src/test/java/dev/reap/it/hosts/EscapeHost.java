package dev.reap.it.hosts;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Programs that spawn while they exit, and children that fork while they are reaped. Prints
 * {@code ready} once set up, then ends as its mode says.
 *
 * <p>Usage: {@code EscapeHost <mode> [args]}; modes:
 * <ul>
 *   <li>{@code supervisor}: daemon threads restart their child whenever it ends ({@code sleep 600}, and a shell
 *       that takes half a second over SIGINT); main returns</li>
 *   <li>{@code threads <n>}: n threads spawn {@code sleep 600} without pause; {@code System.exit(0)}</li>
 *   <li>{@code hook}: a child, and a shutdown hook that spawns a plain and a {@code setsid} one 200 ms into the exit</li>
 *   <li>{@code first-in-hook}: the JVM's first spawns are a shutdown hook's (a plain and a {@code setsid} one)</li>
 *   <li>{@code forker <dir>}: a child that handles INT and TERM and forks a {@code sleep} every 10 ms, 200 in all,
 *       writing each one's PID to {@code dir/forked}</li>
 * </ul>
 */
public final class EscapeHost {
    private EscapeHost() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "supervisor":
                daemon(() -> {
                    while (true) {
                        new ProcessBuilder("sleep", "600").start().waitFor();
                    }
                });
                // a second one, whose child takes half a second over SIGINT: the exit lasts that long
                daemon(() -> {
                    while (true) {
                        new ProcessBuilder("sh", "-c", "trap 'sleep 0.5; exit 0' INT; sleep 600 & wait").start().waitFor();
                    }
                });
                // their first children are up before main returns
                awaitChildren(2);
                break;
            case "threads":
                for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                    daemon(() -> {
                        while (true) {
                            new ProcessBuilder("sleep", "600").start();
                        }
                    });
                }
                awaitChildren(100);
                System.out.println("ready");
                System.out.flush();
                System.exit(0);
                return;
            case "hook":
                new ProcessBuilder("sleep", "600").start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Thread.sleep(200);
                        spawnPlainAndDaemon();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
                break;
            case "first-in-hook":
                Runtime.getRuntime().addShutdownHook(new Thread(EscapeHost::spawnPlainAndDaemon));
                break;
            case "forker":
                Path forked = Paths.get(args[1], "forked");
                new ProcessBuilder("sh", "-c", "trap : INT TERM; i=0; while [ $i -lt 200 ]; do sleep 600 & echo $! >> "
                        + forked + "; sleep 0.01; i=$((i+1)); done; wait").start();
                while (!Files.exists(forked)) {
                    Thread.sleep(5);
                }
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine(); // go
    }

    private static void spawnPlainAndDaemon() {
        try {
            new ProcessBuilder("sleep", "600").start();
            new ProcessBuilder("setsid", "sleep", "600").start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Loop {
        void run() throws Exception;
    }

    private static void daemon(Loop loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (Exception e) {
                // the JVM is going
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static void awaitChildren(int n) throws InterruptedException {
        while (ProcessHandle.current().children().count() < n) {
            Thread.sleep(5);
        }
    }
}
