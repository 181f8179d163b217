package dev.reap.agent.spawn;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Remembers rewrites on disk, so that only the first JVM of a given JDK and agent build loads
 * ASM and rewrites; every later one reads one small file. Loading the rewriting library was most
 * of what the agent added to a JVM's start.
 *
 * <p>An entry is found by the CRC of the JDK's original {@code ProcessBuilder} bytes and the
 * agent jar's size and time, and trusted only when the original bytes stored in it are equal,
 * byte for byte, and its checksum holds: a stale, torn or foreign file is recomputed, never used.
 * Entries are written to a temporary file and renamed, so concurrent JVMs (parallel Surefire
 * forks) never read half an entry. The directory is {@code $XDG_CACHE_HOME/reap-agent} or
 * {@code ~/.cache/reap-agent}, private to the user; when it cannot be used, rewrites are computed.
 */
public final class RewriteCache implements RewriteSource {
    private static final int MAGIC = 0x52454150; // "REAP"
    private static final int FORMAT = 1;
    private static final int MAX_PART = 1 << 22;

    private final File directory;
    private final String agentStamp;
    private final RewriteSource compute;

    RewriteCache(File directory, String agentStamp, RewriteSource compute) {
        this.directory = directory;
        this.agentStamp = agentStamp;
        this.compute = compute;
    }

    /** The cache for this agent jar, or plain computation when the agent is not run from a jar. */
    public static RewriteSource forThisAgent() {
        String stamp = jarStamp();
        File directory = defaultDirectory();
        return stamp == null || directory == null ? COMPUTE : new RewriteCache(directory, stamp, COMPUTE);
    }

    @Override
    public Rewrite rewrite(byte[] original) throws IOException {
        File entry = entryFor(original);
        Rewrite cached = read(entry, original);
        if (cached != null) {
            return cached;
        }
        Rewrite computed = compute.rewrite(original);
        if (computed != null) {
            write(entry, original, computed);
        }
        return computed;
    }

    File entryFor(byte[] original) {
        CRC32 crc = new CRC32();
        crc.update(original, 0, original.length);
        return new File(directory, "ProcessBuilder-" + Long.toHexString(crc.getValue()) + "-" + original.length
                + "-" + agentStamp + ".rewrite");
    }

    private static Rewrite read(File entry, byte[] original) {
        if (!entry.isFile()) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new FileInputStream(entry))) {
            byte[] all = in.readAllBytes();
            if (all.length < 12) {
                return null;
            }
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 8);
            long stored = 0;
            for (int i = all.length - 8; i < all.length; i++) {
                stored = stored << 8 | (all[i] & 0xff);
            }
            if (stored != crc.getValue()) {
                return null;
            }
            DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 8));
            if (data.readInt() != MAGIC || data.readInt() != FORMAT) {
                return null;
            }
            byte[] storedOriginal = part(data);
            if (!Arrays.equals(storedOriginal, original)) {
                return null;
            }
            return new Rewrite(part(data), part(data), part(data));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] part(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_PART) {
            throw new IOException("bad length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private void write(File entry, byte[] original, Rewrite rewrite) {
        if (!ensureDirectory(directory)) {
            return;
        }
        File temporary = new File(directory, entry.getName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            for (byte[] part : new byte[][] {original, rewrite.processBuilder(), rewrite.bridge(), rewrite.definer()}) {
                out.writeInt(part.length);
                out.write(part);
            }
            out.flush();
            CRC32 crc = new CRC32();
            byte[] body = buffer.toByteArray();
            crc.update(body, 0, body.length);
            out.writeLong(crc.getValue());
            out.flush();
            try (FileOutputStream file = new FileOutputStream(temporary)) {
                file.write(buffer.toByteArray());
            }
            if (!temporary.renameTo(entry)) {
                temporary.delete();
            }
        } catch (IOException | RuntimeException e) {
            temporary.delete();
        }
    }

    private static boolean ensureDirectory(File directory) {
        if (directory.isDirectory()) {
            return true;
        }
        if (!directory.mkdirs() && !directory.isDirectory()) {
            return false;
        }
        // private to the user: what is read from here ends up inside the JDK's ProcessBuilder
        directory.setReadable(false, false);
        directory.setWritable(false, false);
        directory.setExecutable(false, false);
        return directory.setReadable(true, true) & directory.setWritable(true, true) & directory.setExecutable(true, true);
    }

    static File defaultDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && new File(xdg).isAbsolute()) {
            return new File(xdg, "reap-agent");
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isEmpty() || "?".equals(home)) {
            return null;
        }
        return new File(new File(home, ".cache"), "reap-agent");
    }

    /** The agent jar's size and modification time: a new build gets new entries. */
    private static String jarStamp() {
        try {
            CodeSource source = RewriteCache.class.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null || !"file".equals(location.getProtocol())) {
                return null;
            }
            File jar = new File(location.toURI());
            if (!jar.isFile()) {
                return null;
            }
            return Long.toHexString(jar.length()) + "-" + Long.toHexString(jar.lastModified());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
