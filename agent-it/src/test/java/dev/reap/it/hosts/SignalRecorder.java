package dev.reap.it.hosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/** A child JVM that records SIGINT and SIGTERM in a file, then exits. Prints its PID once ready. */
public final class SignalRecorder {
    private SignalRecorder() {
    }

    @SuppressWarnings("restriction")
    public static void main(String[] args) throws Exception {
        String file = args[0];
        for (String name : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                try {
                    Files.write(Paths.get(file), (name + "\n").getBytes(StandardCharsets.UTF_8),
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException ignored) {
                    // nothing to record into
                }
                Runtime.getRuntime().halt(0);
            });
        }
        System.out.println(ProcessHandle.current().pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
