package dev.reap.agent.spawn;

import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcFs;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Remembers rewrites on disk, so that only the first JVM of a given JDK and agent build loads
 * ASM and rewrites (some 25 ms); every later one reads one small file. An entry is found by the
 * CRC of the JDK's original {@code ProcessBuilder} bytes and the agent jar's size and time, and
 * used only when the original stored in it is equal, byte for byte, and its checksum holds. It is
 * written to a temporary file of an unpredictable name, created exclusively, then renamed over
 * the entry: concurrent JVMs (parallel Surefire forks) never read half an entry.
 *
 * <p>What is read from here becomes the JDK's {@code ProcessBuilder}, so only the user's own
 * files are trusted: the directory ({@code $XDG_CACHE_HOME/reap-agent} or
 * {@code ~/.cache/reap-agent}, made 0700) must be a {@link PrivateDirectory} of the JVM's
 * effective user, an entry a regular file of that user writable by nobody else, of at most
 * 16 MiB. Anything else is neither read nor written, and no directory is made below it: the
 * rewrite is computed, and {@code reap.log=debug} says why.
 */
public final class RewriteCache implements RewriteSource {
    private static final int MAGIC = 0x52454150; // "REAP"
    private static final int FORMAT = 3;
    private static final int MAX_PART = 1 << 22;
    static final int KEEP_DAYS = 30;
    /** How entries (and their temporary files) are named: {@code ProcessBuilder-<key>.rewrite[.<random>.tmp]}. */
    private static final String PREFIX = "ProcessBuilder-";
    private static final String SUFFIX = ".rewrite";
    private static final String TEMPORARY_SUFFIX = ".tmp";
    /** Far above any real entry (some 20 KB): a larger file is no entry, and is never read whole. */
    private static final long MAX_ENTRY = 1 << 24;

    private final PrivateDirectory directory;
    private final String agentStamp;
    private final RewriteSource compute;

    /** {@code compute}: what makes a rewrite the cache lacks; null for the rewriter itself. */
    RewriteCache(Path directory, long uid, String agentStamp, RewriteSource compute) {
        this.directory = new PrivateDirectory(directory, uid);
        this.agentStamp = agentStamp;
        this.compute = compute;
    }

    /** The cache for the agent run from {@code agentJar}; plain computation when that is no jar (or null). */
    public static RewriteSource forAgentJar(File agentJar) {
        Path directory = defaultDirectory();
        long[] ids = ProcFs.available() ? ProcFs.ownUserIds() : null;
        if (agentJar == null || !agentJar.isFile() || directory == null || ids == null) {
            return COMPUTE;
        }
        // the jar's size and modification time: a new build gets new entries
        return new RewriteCache(directory, ids[1], Long.toHexString(agentJar.length()) + "-"
                + Long.toHexString(agentJar.lastModified()), null);
    }

    @Override
    public Rewrite rewrite(byte[] original, boolean merged) throws IOException {
        Path entry = entryFor(original, merged);
        String untrusted = directory.untrusted();
        if (untrusted == null) {
            Rewrite cached = read(entry, original);
            if (cached != null) {
                return cached;
            }
        } else if (untrusted != PrivateDirectory.ABSENT) {
            debug("rewrite cache " + directory.path() + " not used: " + untrusted);
        }
        Rewrite computed = compute != null ? compute.rewrite(original, merged)
                : ProcessBuilderRewriter.compute(original, merged);
        if (untrusted == PrivateDirectory.ABSENT) {
            untrusted = directory.create();
            if (untrusted != null) {
                debug("rewrite cache " + directory.path() + " not used: " + untrusted);
            }
        }
        if (computed != null && untrusted == null) {
            write(entry, original, computed);
        }
        return computed;
    }

    Path entryFor(byte[] original, boolean merged) {
        CRC32 crc = new CRC32();
        crc.update(original, 0, original.length);
        return directory.path().resolve(PREFIX + Long.toHexString(crc.getValue()) + "-" + original.length
                + "-" + agentStamp + (merged ? "-merged" : "") + SUFFIX);
    }

    private Rewrite read(Path entry, byte[] original) {
        String untrusted;
        try {
            Map<String, Object> attributes = Files.readAttributes(entry, "unix:uid,mode,size", LinkOption.NOFOLLOW_LINKS);
            untrusted = directory.untrustedEntry(attributes);
            if (untrusted == null && (Long) attributes.get("size") > MAX_ENTRY) {
                untrusted = "larger than any entry (" + attributes.get("size") + " bytes)";
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            untrusted = "unreadable (" + e + ")";
        }
        if (untrusted != null) {
            debug("rewrite cache entry " + entry + " not used: " + untrusted);
            return null;
        }
        // Everything on the way to it is this user's or root's alone: nobody else can swap the entry
        // between the check and here. (A channel opened with NOFOLLOW_LINKS would say so twice, for
        // some 3 ms of classes at every JVM's start.)
        byte[] all;
        try (FileInputStream in = new FileInputStream(entry.toFile())) {
            all = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
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

    private void write(Path entry, byte[] original, Rewrite rewrite) {
        Path temporary = null;
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
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
            // a random name, created exclusively with mode 0600: no planted file or link is ever written through
            temporary = Files.createTempFile(directory.path(), entry.getFileName() + ".", TEMPORARY_SUFFIX);
            Files.write(temporary, buffer.toByteArray());
            Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE);
            temporary = null;
            forgetOldEntries();
        } catch (IOException | RuntimeException e) {
            debug("rewrite cache entry " + entry + " not written: " + e);
        } finally {
            if (temporary != null) {
                temporary.toFile().delete();
            }
        }
    }

    /**
     * Deletes entries (and torn temporary files) written more than {@value #KEEP_DAYS} days ago:
     * every agent build and JDK update adds an entry, and entries are never rewritten, so without
     * this the directory would only grow. One still in use is simply written again. Runs only
     * when an entry is written, the first start of a new JDK or agent build.
     */
    private void forgetOldEntries() {
        File[] files = directory.path().toFile().listFiles();
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

    static Path defaultDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && new File(xdg).isAbsolute()) {
            return Paths.get(xdg, "reap-agent");
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isEmpty() || "?".equals(home)) {
            return null;
        }
        return Paths.get(home, ".cache", "reap-agent");
    }

    private static void debug(String message) {
        if (Log.debugEnabled()) {
            Loggers.get(RewriteCache.class).debug(message);
        }
    }
}
