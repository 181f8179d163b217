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
 *   <li>{@code threads <n>}: n threads spawn {@code sleep 600} without pause (40 each); {@code System.exit(0)}
 *       once 100 are up</li>
 *   <li>{@code hook}: a child, and a shutdown hook that spawns a plain and a {@code setsid} one 200 ms into the exit</li>
 *   <li>{@code hook-helpers}: a child that handles INT and TERM, and a shutdown hook that runs 30 short
 *       helpers in turn, printing {@code helper signalled} for one that was</li>
 *   <li>{@code first-in-hook}: the JVM's first spawns are a shutdown hook's (a plain and a {@code setsid} one)</li>
 *   <li>{@code forker <dir>}: a child that handles INT and TERM and forks a {@code sleep} every 10 ms, 200 in all,
 *       writing each one's PID to {@code dir/forked}</li>
 *   <li>{@code orphan <dir>}: a shell with a {@code sleep}; on a line the shell is killed and main returns</li>
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
                        // bounded, so that a run cannot take the machine's PIDs: the exit comes well before
                        for (int spawned = 0; spawned < 40; spawned++) {
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
            case "hook-helpers":
                // a child that takes the whole grace, and a hook whose short helpers must do their job meanwhile
                new ProcessBuilder("sh", "-c", "trap : INT TERM; while :; do sleep 0.05; done").start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        for (int i = 0; i < 30; i++) {
                            Process helper = new ProcessBuilder("sh", "-c",
                                    "trap 'exit 7' INT TERM; sleep 0.05; echo ok").start();
                            String out = new String(helper.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                            if (helper.waitFor() != 0 || !out.equals("ok")) {
                                System.err.println("helper signalled: exit " + helper.exitValue());
                            }
                        }
                    } catch (Exception e) {
                        System.err.println("helper failed: " + e);
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
            case "orphan":
                Path grandchild = Paths.get(args[1], "grandchild");
                Process shell = new ProcessBuilder("sh", "-c", "sleep 600 & echo $! > " + grandchild + ".tmp && mv "
                        + grandchild + ".tmp " + grandchild + "; wait").start();
                while (!Files.exists(grandchild)) {
                    Thread.sleep(5);
                }
                System.out.println("child " + shell.pid());
                System.out.println("grandchild " + Files.readAllLines(grandchild).get(0).trim());
                System.out.println("ready");
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                // the grandchild is orphaned before the exit: without a tag, only the look knows it
                shell.destroyForcibly().waitFor();
                return;
            case "late-key":
                // as Surefire's systemPropertyVariables would, after premain
                System.setProperty("reap.scope", "test");
                System.out.println("child " + new ProcessBuilder("sleep", "600").start().pid());
                break;
            case "env-cleared":
                // a daemon that drops the tag (env -i) and leaves the tree (setsid, its parent exits at once)
                Path daemon = Paths.get(args[1], "daemon");
                String command = args.length > 2 ? args[2] : "sleep 600";
                new ProcessBuilder("sh", "-c", "env -i setsid sh -c '" + command + " & echo $! > " + daemon + ".tmp && mv "
                        + daemon + ".tmp " + daemon + "' &").start().waitFor();
                while (!Files.exists(daemon)) {
                    Thread.sleep(5);
                }
                System.out.println("daemon " + Files.readAllLines(daemon).get(0).trim());
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
