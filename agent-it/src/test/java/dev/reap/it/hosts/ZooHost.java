package dev.reap.it.hosts;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

/**
 * A host program: spawns the child kinds it is asked for, prints {@code <kind> <pid>} for each
 * process the test must see end, then {@code ready}, then ends as asked, cleaning up nothing.
 *
 * <p>Usage: {@code ZooHost <end> <dir> <kind>...}; end: return, exit3, throw, wait (for a signal),
 * halt ({@code Runtime.halt(7)}: no shutdown hooks), halt-on-int (waits; SIGINT halts it with 130,
 * as a fork that dies the moment its build is interrupted).
 * After {@code ready} it waits for one line on stdin (or its end) before it ends; a line
 * {@code more <kind>...} spawns those kinds again first (reported as {@code <kind>@2}, and so
 * on for each further batch, recording into files of those names), then {@code ready} again; a
 * line {@code set <key>=<value>} sets that system property first, as Surefire does after
 * {@code premain}, then {@code ready} again.
 * Kinds that record signals append the signal's name to {@code <dir>/<kind>}:
 * <ul>
 *   <li>plain: {@code sleep 600}</li>
 *   <li>deaf: a shell ignoring SIGINT ({@code trap '' INT; exec sleep})</li>
 *   <li>recorder: a shell that records INT/TERM and exits on them</li>
 *   <li>grandchild: a shell whose foreground child is a recorder</li>
 *   <li>daemon: a recorder in its own session ({@code setsid -f}), re-parented away from the host</li>
 *   <li>jvm: a child JVM recording INT/TERM</li>
 *   <li>stubborn: a shell that records INT/TERM with a timestamp and never exits</li>
 * </ul>
 */
public final class ZooHost {
    private static final String RECORDER = "trap 'echo INT >> \"$1\"; exit 0' INT\n"
            + "trap 'echo TERM >> \"$1\"; exit 0' TERM\n"
            + "echo $$\n"
            + "while :; do sleep 0.05; done\n";
    private static final String STUBBORN = "trap 'echo \"INT $(date +%s%N)\" >> \"$1\"' INT\n"
            + "trap 'echo \"TERM $(date +%s%N)\" >> \"$1\"' TERM\n"
            + "echo $$\n"
            + "while :; do sleep 0.05; done\n";

    private ZooHost() {
    }

    public static void main(String[] args) throws Exception {
        String end = args[0];
        Path dir = Paths.get(args[1]);
        Path recorder = write(dir.resolve("record.sh"), RECORDER);
        Path stubborn = write(dir.resolve("stubborn.sh"), STUBBORN);
        spawnAll(dir, recorder, stubborn, Arrays.asList(args).subList(2, args.length), "");
        if (end.equals("halt-on-int")) {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> Runtime.getRuntime().halt(130));
        }
        System.out.println("ready");
        System.out.flush();
        // the test checks the children are alive, then says "go": ending earlier would race it
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        for (int batch = 2; line != null && (line.startsWith("more ") || line.startsWith("set ")); ) {
            if (line.startsWith("set ")) {
                // as Surefire's systemPropertyVariables: set after premain
                String setting = line.substring(4).trim();
                int eq = setting.indexOf('=');
                System.setProperty(setting.substring(0, eq), setting.substring(eq + 1));
            } else {
                spawnAll(dir, recorder, stubborn, Arrays.asList(line.substring(5).trim().split(" ")), "@" + batch);
                batch++;
            }
            System.out.println("ready");
            System.out.flush();
            line = in.readLine();
        }
        switch (end) {
            case "return":
                return;
            case "exit3":
                System.exit(3);
                break;
            case "throw":
                throw new IllegalStateException("the host fails on purpose");
            case "wait":
            case "halt-on-int":
                Thread.sleep(Long.MAX_VALUE);
                break;
            case "halt":
                Runtime.getRuntime().halt(7);
                break;
            default:
                throw new IllegalArgumentException("unknown end " + end);
        }
    }

    private static void spawnAll(Path dir, Path recorder, Path stubborn, List<String> kinds, String suffix)
            throws IOException, InterruptedException {
        for (String kind : kinds) {
            String file = dir.resolve(kind + suffix).toString();
            switch (kind) {
                case "plain":
                    print(kind + suffix, spawn("sleep", "600").pid());
                    break;
                case "deaf":
                    print(kind + suffix, firstLinePid(spawn("sh", "-c", "trap '' INT; echo $$; exec sleep 600")));
                    break;
                case "recorder":
                    print(kind + suffix, firstLinePid(spawn("sh", recorder.toString(), file)));
                    break;
                case "grandchild": {
                    Process parent = spawn("sh", "-c", "sh \"$0\" \"$1\"; :", recorder.toString(), file);
                    print("grandchild-parent" + suffix, parent.pid());
                    print(kind + suffix, firstLinePid(parent));
                    break;
                }
                case "daemon": {
                    // Its PID comes through a file: the JDK closes a child's stdout pipe once the
                    // child (setsid's parent half) has exited, and the daemon's echo would be lost.
                    Path pidFile = dir.resolve("daemon" + suffix + ".pid");
                    spawn("setsid", "-f", "sh", "-c", "exec sh \"$0\" \"$1\" > \"$2\"", recorder.toString(), file,
                            pidFile.toString()).waitFor();
                    print(kind + suffix, pidFrom(pidFile));
                    break;
                }
                case "jvm":
                    print(kind + suffix, firstLinePid(spawn(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                            "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                            SignalRecorder.class.getName(), file)));
                    break;
                case "stubborn":
                    print(kind + suffix, firstLinePid(spawn("sh", stubborn.toString(), file)));
                    break;
                default:
                    throw new IllegalArgumentException("unknown kind " + kind);
            }
        }
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Process spawn(String... command) throws IOException {
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static long firstLinePid(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null) {
            throw new IllegalStateException("no pid from " + p.info().commandLine().orElse("?"));
        }
        return Long.parseLong(line.trim());
    }

    /** The PID written to {@code file}, waiting for it up to 30 seconds. */
    private static long pidFrom(Path file) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            String text = Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
            if (text.endsWith("\n")) {
                return Long.parseLong(text.trim());
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("no pid in " + file);
    }

    private static void print(String kind, long pid) {
        System.out.println(kind + " " + pid);
        System.out.flush();
    }
}
