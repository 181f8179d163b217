package dev.reap.agent;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;

/** Where the agent's code lives: the file the watchdog runs from and the jar {@code attach} loads. */
public final class AgentJar {
    private AgentJar() {
    }

    /** The agent jar (or, in the agent's own tests, its classes directory); null when unknown. */
    public static File location() {
        try {
            CodeSource source = AgentJar.class.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null || !"file".equals(location.getProtocol())) {
                return null;
            }
            // The path as it is when nothing in it is escaped (the usual case): parsing a URI costs
            // a cold JVM milliseconds, on the start-up path of every JVM.
            String path = location.getPath();
            File file = path.indexOf('%') < 0 ? new File(path) : new File(location.toURI());
            return file.exists() ? file : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
