package dev.reap.it.hosts;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A host that installs a SecurityManager after its first spawn (run with
 * {@code -Djava.security.manager=allow}): prints {@code plain <pid>}, {@code ready}, waits for a
 * line, spawns once more, and returns.
 */
public final class LateSecurityManagerHost {
    private LateSecurityManagerHost() {
    }

    public static void main(String[] args) throws Exception {
        Process first = new ProcessBuilder("sleep", "600").start();
        System.setSecurityManager(new SecurityManager());
        Process second = new ProcessBuilder("sleep", "600").start();
        System.out.println("plain " + first.pid());
        System.out.println("plain@2 " + second.pid());
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
