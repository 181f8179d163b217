package dev.reap.it.hosts;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host with its own Byte Buddy and SLF4J (other versions than the agent bundles): it builds a
 * class with Byte Buddy, logs through SLF4J, spawns a child and prints what it saw.
 */
public final class LibrariesHost {
    private LibrariesHost() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> made = new ByteBuddy()
                .subclass(Object.class)
                .method(ElementMatchers.named("toString")).intercept(FixedValue.value("made by the host's Byte Buddy"))
                .make()
                .load(LibrariesHost.class.getClassLoader())
                .getLoaded();
        System.out.println(made.getDeclaredConstructor().newInstance());
        System.out.println("byte-buddy from " + new java.io.File(ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getName());
        Logger log = LoggerFactory.getLogger(LibrariesHost.class);
        log.info("logged through the host's SLF4J");
        System.out.println("slf4j factory " + LoggerFactory.getILoggerFactory().getClass().getName());
        Process child = new ProcessBuilder("sleep", "600").start();
        System.out.println("plain " + child.pid());
        System.out.println("ready");
    }
}
