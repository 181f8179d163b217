package dev.reap.it.hosts;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Spawns N Python children that, on SIGINT, append the epoch nanoseconds to a file and exit;
 * prints {@code ready} and waits to be killed. Usage: {@code StampHost <n> <file>}.
 */
public final class StampHost {
    private static final String CHILD = "import os,signal,sys,time\n"
            + "def stamp(*_):\n"
            + "  open(sys.argv[1], 'a').write(str(time.time_ns()) + '\\n'); sys.exit(0)\n"
            + "signal.signal(signal.SIGINT, stamp)\n"
            + "print(os.getpid(), flush=True)\n"
            + "signal.pause()\n";

    private StampHost() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        for (int i = 0; i < n; i++) {
            Process p = new ProcessBuilder("python3", "-c", CHILD, args[1]).start();
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
