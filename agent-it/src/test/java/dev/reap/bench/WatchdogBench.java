package dev.reap.bench;

import dev.reap.it.hosts.StampHost;
import dev.reap.it.support.Proc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The watchdog sidecar: its resident and proportional memory and the CPU it took to start (read
 * from {@code /proc} one second after it appeared), and the time from {@code kill -9} of its host
 * to the first SIGINT its host's children see (they stamp it), over R rounds.
 *
 * <p>Usage: {@code WatchdogBench <agent jar> <classes> <java.home> <rounds>}; needs python3 and perl.
 */
public final class WatchdogBench {
    private WatchdogBench() {
    }

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        String classes = args[1];
        String home = args[2];
        int rounds = Integer.parseInt(args[3]);
        if (!new java.io.File("/usr/bin/perl").canExecute() || !onPath("python3")) {
            System.out.println("  watchdog: skipped (needs perl and python3)");
            return;
        }
        List<Long> rss = new ArrayList<>();
        List<Long> pss = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        List<Long> firstSignal = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            Path stamps = Files.createTempFile("reap-stamps", ".txt");
            List<String> command = new ArrayList<>(List.of("/usr/bin/perl", "-e", "$SIG{INT}='DEFAULT'; exec @ARGV", "--"));
            command.addAll(Harness.host(home, "-javaagent:" + jar, classes, StampHost.class.getName(), "5", stamps.toString()));
            Process host = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
            if (!"ready".equals(out.readLine())) {
                throw new IllegalStateException("the host did not start");
            }
            long watchdog = awaitWatchdog(host.pid());
            Thread.sleep(1_000); // its start is what is measured: let it finish
            String status = read("/proc/" + watchdog + "/status");
            rss.add(field(status, "VmRSS:"));
            pss.add(field(read("/proc/" + watchdog + "/smaps_rollup"), "Pss:"));
            String stat = read("/proc/" + watchdog + "/stat");
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            cpu.add((Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10);
            long killedAt = System.currentTimeMillis() * 1_000_000L;
            host.destroyForcibly();
            host.waitFor();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.readAllLines(stamps).size() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long first = Files.readAllLines(stamps).stream().mapToLong(Long::parseLong).min().orElseThrow();
            firstSignal.add((first - killedAt) / 1_000_000);
            Files.delete(stamps);
        }
        System.out.printf("%s (%d rounds, medians)%n  watchdog RSS %.1f MiB, PSS %.1f MiB, CPU to start %d ms;"
                        + " host kill -9 to the first SIGINT on its children %d ms (all: %s)%n",
                home, rounds, Harness.median(rss) / 1024.0, Harness.median(pss) / 1024.0, (long) Harness.median(cpu),
                (long) Harness.median(firstSignal), firstSignal);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (new java.io.File(dir, command).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static long awaitWatchdog(long host) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Long> found = Proc.withCommandLineContaining("WatchdogMain " + host + "-");
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no watchdog for " + host);
    }

    private static long field(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + name);
    }

    private static String read(String path) {
        try {
            return new String(Files.readAllBytes(Paths.get(path)), StandardCharsets.ISO_8859_1);
        } catch (Exception e) {
            return "";
        }
    }
}
