package dev.reap.it;

import dev.reap.it.hosts.ZooHost;
import dev.reap.it.support.Host;
import dev.reap.it.support.HostTest;
import dev.reap.it.support.Jdk;
import dev.reap.it.support.Zoo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rewrite cache holds what becomes the JDK's {@code ProcessBuilder}: a JVM trusts it only when
 * it is the user's own and nobody else can write it, and never writes through a planted link.
 */
class RewriteCacheTrustTest extends HostTest {
    /**
     * An entry planted where others can write, valid in every check but its origin: its
     * "rewrite" is the JDK's own unhooked {@code ProcessBuilder}. A JVM that loaded it would record
     * no child, and its child would outlive it.
     */
    @Test
    void aPlantedEntryInADirectoryOthersCanWriteIsNeverLoaded() throws Exception {
        Path genuine = genuineEntry();
        for (String plot : List.of("others-writable", "another-users")) {
            Path cacheHome = Files.createDirectory(dir.resolve(plot));
            Path cache = Files.createDirectory(cacheHome.resolve("reap-agent"));
            Path planted = cache.resolve(genuine.getFileName());
            Files.write(planted, unhooked(Files.readAllBytes(genuine)));
            if (plot.equals("others-writable")) {
                Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
            } else {
                assumeRoot();
                Files.setAttribute(cache, "unix:uid", 65534);
                Files.setAttribute(planted, "unix:uid", 65534);
            }
            byte[] before = Files.readAllBytes(planted);

            Path hostDir = Files.createDirectory(dir.resolve(plot + "-host"));
            Host host = host(Jdk.current()).agent("log=debug").env("XDG_CACHE_HOME", cacheHome.toString())
                    .start(ZooHost.class, "return", hostDir.toString(), "plain");
            Zoo zoo = Zoo.ready(host, hostDir, List.of("plain"));
            host.send("go");
            assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();

            zoo.allEndWithin(Duration.ofSeconds(5));
            assertThat(host.stderr()).as(plot).contains("rewrite cache " + cache + " not used: ");
            assertThat(Files.readAllBytes(planted)).as("nothing written there").isEqualTo(before);
            assertThat(listing(cache)).as(plot).containsExactly(planted.getFileName().toString());
        }
    }

    /** A link planted at the name an entry's temporary file would have (the old agent: entry + "." + pid + ".tmp"). */
    @Test
    void aLinkPlantedWhereAnEntryIsWrittenIsNeverWrittenThrough() throws Exception {
        Path genuine = genuineEntry();
        Path cacheHome = Files.createDirectory(dir.resolve("home"));
        Path cache = Files.createDirectory(cacheHome.resolve("reap-agent"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path victim = Files.write(dir.resolve("victim"), "precious\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));

        Host host = host(Jdk.current()).agent().env("XDG_CACHE_HOME", cacheHome.toString())
                .wrappedIn("sh", "-c", "v=$0; e=$1; shift; ln -s \"$v\" \"$e.$$.tmp\" && exec \"$@\"",
                        victim.toString(), cache.resolve(genuine.getFileName()).toString())
                .start(ZooHost.class, "return", dir.toString(), "plain");
        Zoo zoo = Zoo.ready(host, dir, List.of("plain"));
        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();

        zoo.allEndWithin(Duration.ofSeconds(5));
        assertThat(new String(Files.readAllBytes(victim), StandardCharsets.ISO_8859_1)).as("the file the link points to").isEqualTo("precious\n");
    }

    /** The entry a JVM writes into a private cache of this user: genuine, to be copied. */
    private Path genuineEntry() throws Exception {
        Path cacheHome = Files.createDirectory(dir.resolve("genuine"));
        Path hostDir = Files.createDirectory(dir.resolve("genuine-host"));
        Host host = host(Jdk.current()).agent().env("XDG_CACHE_HOME", cacheHome.toString())
                .start(ZooHost.class, "return", hostDir.toString());
        host.linesUntil("ready", Duration.ofSeconds(30));
        host.send("go");
        assertThat(host.awaitExit(Duration.ofSeconds(30))).isZero();
        List<String> entries = listing(cacheHome.resolve("reap-agent"));
        assertThat(entries).as("one merged entry; stderr:%n%s", host.stderr()).hasSize(1);
        return cacheHome.resolve("reap-agent").resolve(entries.get(0));
    }

    /** The entry with the rewritten class replaced by the original, its checksum made to hold again. */
    private static byte[] unhooked(byte[] entry) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(entry);
        int magic = in.getInt();
        int format = in.getInt();
        byte[][] parts = new byte[4][];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new byte[in.getInt()];
            in.get(parts[i]);
        }
        parts[1] = parts[0];
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        out.writeInt(magic);
        out.writeInt(format);
        for (byte[] part : parts) {
            out.writeInt(part.length);
            out.write(part);
        }
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(buffer.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        return buffer.toByteArray();
    }

    private static List<String> listing(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static void assumeRoot() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give files to another user");
    }
}
