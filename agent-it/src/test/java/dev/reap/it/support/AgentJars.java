package dev.reap.it.support;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds small agent jars from test classes: another agent beside reap-agent, or a do-nothing one. */
public final class AgentJars {
    private AgentJars() {
    }

    /** A temporary jar holding {@code agent} (a class with a {@code premain}) as its Premain-Class, able to retransform. */
    public static Path of(Class<?> agent) throws IOException {
        Path jar = Files.createTempFile("agent-", ".jar");
        jar.toFile().deleteOnExit();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", agent.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        String entry = agent.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar.toFile()), manifest);
             InputStream in = agent.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
