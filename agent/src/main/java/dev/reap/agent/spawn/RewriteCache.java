package dev.reap.agent.spawn;

import java.io.DataOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
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
    private static final int FORMAT = 2;
    private static final int MAX_PART = 1 << 22;
    static final int KEEP_DAYS = 30;
    /** How entries (and their temporary files) are named: {@code ProcessBuilder-<key>.rewrite[.<pid>.tmp]}. */
    private static final String PREFIX = "ProcessBuilder-";
    private static final String SUFFIX = ".rewrite";
    private static final String TEMPORARY_SUFFIX = ".tmp";

    private final File directory;
    private final String agentStamp;
    private final RewriteSource compute;

    RewriteCache(File directory, String agentStamp, RewriteSource compute) {
        this.directory = directory;
        this.agentStamp = agentStamp;
        this.compute = compute;
    }

    /** The cache for the agent run from {@code agentJar}; plain computation when that is no jar (or null). */
    public static RewriteSource forAgentJar(File agentJar) {
        File directory = defaultDirectory();
        if (agentJar == null || !agentJar.isFile() || directory == null) {
            return COMPUTE;
        }
        // the jar's size and modification time: a new build gets new entries
        return new RewriteCache(directory, Long.toHexString(agentJar.length()) + "-"
                + Long.toHexString(agentJar.lastModified()), COMPUTE);
    }

    @Override
    public Rewrite rewrite(byte[] original, boolean merged) throws IOException {
        File entry = entryFor(original, merged);
        Rewrite cached = read(entry, original);
        if (cached != null) {
            return cached;
        }
        Rewrite computed = compute.rewrite(original, merged);
        if (computed != null) {
            write(entry, original, computed);
        }
        return computed;
    }

    File entryFor(byte[] original, boolean merged) {
        CRC32 crc = new CRC32();
        crc.update(original, 0, original.length);
        return new File(directory, PREFIX + Long.toHexString(crc.getValue()) + "-" + original.length
                + "-" + agentStamp + (merged ? "-merged" : "") + SUFFIX);
    }

    private static Rewrite read(File entry, byte[] original) {
        if (!entry.isFile()) {
            return null;
        }
        byte[] all;
        try (FileInputStream in = new FileInputStream(entry)) {
            all = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        // Parsed by hand: DataInputStream reads through VarHandles on recent JDKs, which costs
        // milliseconds to initialise at start-up.
        if (all.length < 16) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        if (readLong(all, all.length - 8) != crc.getValue()
                || readInt(all, 0) != MAGIC || readInt(all, 4) != FORMAT) {
            return null;
        }
        byte[][] parts = new byte[4][];
        int at = 8;
        for (int i = 0; i < parts.length; i++) {
            if (at + 4 > all.length - 8) {
                return null;
            }
            int length = readInt(all, at);
            at += 4;
            if (length < 0 || length > MAX_PART || at + length > all.length - 8) {
                return null;
            }
            parts[i] = Arrays.copyOfRange(all, at, at + length);
            at += length;
        }
        if (!Arrays.equals(parts[0], original)) {
            return null;
        }
        return new Rewrite(parts[1], parts[2], parts[3]);
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static long readLong(byte[] b, int at) {
        return (readInt(b, at) & 0xffffffffL) << 32 | (readInt(b, at + 4) & 0xffffffffL);
    }

    private void write(File entry, byte[] original, Rewrite rewrite) {
        if (!ensureDirectory(directory)) {
            return;
        }
        File temporary = new File(directory, entry.getName() + "." + ProcessHandle.current().pid() + TEMPORARY_SUFFIX);
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
            forgetOldEntries();
        } catch (IOException | RuntimeException e) {
            temporary.delete();
        }
    }

    /**
     * Deletes entries (and torn temporary files) written more than {@value #KEEP_DAYS} days ago:
     * every agent build and JDK update adds an entry, and entries are never rewritten, so without
     * this the directory would only grow. One still in use is simply written again. Runs only
     * when an entry is written, the first start of a new JDK or agent build.
     */
    private void forgetOldEntries() {
        File[] files = directory.listFiles();
        if (files == null) {
            return;
        }
        long before = System.currentTimeMillis() - KEEP_DAYS * 24L * 60 * 60 * 1000;
        for (File f : files) {
            String name = f.getName();
            if (name.startsWith(PREFIX) && (name.endsWith(SUFFIX) || name.endsWith(TEMPORARY_SUFFIX))
                    && f.lastModified() < before) {
                f.delete();
            }
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
}
