package dev.reap.agent;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's parts depend only downwards, read from the compiled classes: every type a class
 * names (in its signatures, fields, instructions and constants) is of its own package or of a
 * layer below. Packages of one layer do not know each other.
 */
class LayersTest {
    /** Top to bottom; "" is the agent's own package (the entry and the owner). */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("cli"),
            Set.of("junit"),
            Set.of(""),
            Set.of("scope", "shutdown", "watchdog", "sweep", "attach"),
            Set.of("find", "report"),
            Set.of("config"),
            Set.of("reap"),
            Set.of("session"),
            Set.of("spawn"),
            Set.of("proc", "log"));
    private static final String AGENT = "dev/reap/agent/";

    @Test
    void everyPackageImportsOnlyTheLayersBelowIt() throws IOException {
        Path classes = Paths.get(Agent.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<String> upwards = new ArrayList<>();
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes.resolve(AGENT))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                String from = packageOf(name);
                packages.add(from);
                for (String used : referencedBy(Files.readAllBytes(file))) {
                    String to = packageOf(used);
                    if (!to.equals(from) && layer(to) <= layer(from)) {
                        upwards.add(name + " -> " + used);
                    }
                }
            }
        }
        assertThat(packages).as("every package has a layer").allSatisfy(p -> assertThat(layer(p)).isNotNegative());
        assertThat(upwards).as("references to a package of the same layer or above").isEmpty();
    }

    /** The agent's package of an internal name, relative to dev/reap/agent: "" for the agent's own. */
    private static String packageOf(String internalName) {
        String rest = internalName.substring(AGENT.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? "" : rest.substring(0, slash);
    }

    private static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        return -1;
    }

    private static Set<String> referencedBy(byte[] classFile) {
        Set<String> used = new TreeSet<>();
        Remapper collect = new Remapper() {
            @Override
            public String map(String internalName) {
                if (internalName.startsWith(AGENT)) {
                    used.add(internalName);
                }
                return internalName;
            }
        };
        // written out, so that the remapper is shown every method body too
        new ClassReader(classFile).accept(new ClassRemapper(new ClassWriter(0), collect), 0);
        return used;
    }
}
