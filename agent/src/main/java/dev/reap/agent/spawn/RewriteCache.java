package dev.reap.agent.spawn;

import dev.reap.agent.log.Log;
import dev.reap.agent.log.Loggers;
import dev.reap.agent.proc.ProcFs;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Remembers rewrites on disk, so that only the first JVM of a given JDK and agent build loads
 * ASM and rewrites; every later one reads one small file. Loading the rewriting library was most
 * of what the agent added to a JVM's start.
 *
 * <p>An entry is found by the CRC of the JDK's original {@code ProcessBuilder} bytes and the
 * agent jar's size and time, and trusted only when the original bytes stored in it are equal,
 * byte for byte, and its checksum holds: a stale, torn or foreign file is recomputed, never used.
 * Entries are written to a temporary file of an unpredictable name, created exclusively (never
 * through a planted link), then renamed over the entry, so concurrent JVMs (parallel Surefire
 * forks) never read half an entry.
 *
 * <p>What is read from here becomes the JDK's {@code ProcessBuilder}, so only the user's own
 * files are trusted: the directory ({@code $XDG_CACHE_HOME/reap-agent} or
 * {@code ~/.cache/reap-agent}, made 0700) must be a directory, not a link, owned by the JVM's
 * effective user and writable by nobody else; everything on its path as given (checked without
 * following links), and every link on the way, link by link, owned by that user or root and
 * writable by nobody else unless sticky (as {@code /tmp}), so that none can be swapped; an entry
 * a regular file of that user writable by nobody else, of at most 16 MiB. Anything
 * else is neither read nor written, and no directory is made below it: the rewrite is computed
 * (about 25 ms), and {@code reap.log=debug} says why.
 */
public final class RewriteCache implements RewriteSource {
    private static final int MAGIC = 0x52454150; // "REAP"
    private static final int FORMAT = 2;
    private static final int MAX_PART = 1 << 22;
    static final int KEEP_DAYS = 30;
    /** How entries (and their temporary files) are named: {@code ProcessBuilder-<key>.rewrite[.<random>.tmp]}. */
    private static final String PREFIX = "ProcessBuilder-";
    private static final String SUFFIX = ".rewrite";
    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final int TYPE = 0170000;
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR = 0100000;
    private static final int LINK = 0120000;
    private static final int MAX_LINKS = 8;
    /** Far above any real entry (some 20 KB): a larger file is no entry, and is never read whole. */
    private static final long MAX_ENTRY = 1 << 24;
    private static final int STICKY = 01000;
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    /** What {@link #untrusted} says of a directory that does not exist yet: it may be made. */
    private static final String ABSENT = "absent";

    private final Path directory;
    private final long uid;
    private final String agentStamp;
    private final RewriteSource compute;

    RewriteCache(Path directory, long uid, String agentStamp, RewriteSource compute) {
        this.directory = directory;
        this.uid = uid;
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
                + Long.toHexString(agentJar.lastModified()), COMPUTE);
    }

    @Override
    public Rewrite rewrite(byte[] original, boolean merged) throws IOException {
        Path entry = entryFor(original, merged);
        String untrusted = untrusted(directory);
        if (untrusted == null) {
            Rewrite cached = read(entry, original);
            if (cached != null) {
                return cached;
            }
        } else if (untrusted != ABSENT) {
            debug("rewrite cache " + directory + " not used: " + untrusted);
        }
        Rewrite computed = compute.rewrite(original, merged);
        if (computed != null && (untrusted == null || untrusted == ABSENT && created())) {
            write(entry, original, computed);
        }
        return computed;
    }

    Path entryFor(byte[] original, boolean merged) {
        CRC32 crc = new CRC32();
        crc.update(original, 0, original.length);
        return directory.resolve(PREFIX + Long.toHexString(crc.getValue()) + "-" + original.length
                + "-" + agentStamp + (merged ? "-merged" : "") + SUFFIX);
    }

    /**
     * Null when the directory may be trusted (see the class comment), {@link #ABSENT} when it does
     * not exist yet below trusted directories (it may be made), else why not. Every component of
     * the path as given is checked without following links; a link there must be root's or this
     * user's, and its target is checked the same way, link by link: whoever could change any of
     * them could swap the entries after they were checked.
     */
    String untrusted(Path dir) {
        return walk(dir.toAbsolutePath(), 0, true);
    }

    /** {@link #untrusted} of {@code absolute}; {@code cache}: its last component is the cache directory itself. */
    private String walk(Path absolute, int links, boolean cache) {
        if (!absolute.equals(absolute.normalize())) {
            return absolute + " has . or .. in it";
        }
        Path at = absolute.getRoot();
        for (int i = 0; i < absolute.getNameCount(); i++) {
            at = at.resolve(absolute.getName(i));
            Map<String, Object> attributes;
            try {
                attributes = Files.readAttributes(at, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return cache ? ABSENT : "a link to " + absolute + ", which does not exist";
            } catch (IOException | RuntimeException e) {
                return at + " is unreadable (" + e + ")";
            }
            boolean leaf = cache && i == absolute.getNameCount() - 1;
            String why = leaf ? ownedAndPrivate(attributes, DIRECTORY) : safeAbove(attributes);
            if (why != null) {
                return leaf ? why : at + " on its path is " + why;
            }
            if (((Integer) attributes.get("mode") & TYPE) == LINK) {
                if (links >= MAX_LINKS) {
                    return at + " on its path: more than " + MAX_LINKS + " links";
                }
                Path target;
                try {
                    target = at.getParent().resolve(Files.readSymbolicLink(at));
                } catch (IOException | RuntimeException e) {
                    return at + " on its path is an unreadable link (" + e + ")";
                }
                why = walk(target, links + 1, false);
                if (why != null) {
                    return at + " on its path: " + why;
                }
            }
        }
        return null;
    }

    /**
     * Null for what may stand above the cache: a directory or a link of root or this user, which
     * others cannot write unless it is sticky (as {@code /tmp}).
     */
    private String safeAbove(Map<String, Object> attributes) {
        int mode = (Integer) attributes.get("mode");
        int owner = (Integer) attributes.get("uid");
        int type = mode & TYPE;
        if (type != DIRECTORY && type != LINK) {
            return "not a directory";
        }
        if (owner != 0 && owner != uid) {
            return "owned by uid " + owner;
        }
        if (type == DIRECTORY && (mode & GROUP_OR_OTHERS_WRITE) != 0 && (mode & STICKY) == 0) {
            return "writable by others (mode " + Integer.toOctalString(mode & 07777) + ")";
        }
        return null;
    }

    /** Null when the attributes are of a {@code type} owned by this user and writable by nobody else; else why not. */
    private String ownedAndPrivate(Map<String, Object> attributes, int type) {
        int mode = (Integer) attributes.get("mode");
        int owner = (Integer) attributes.get("uid");
        if ((mode & TYPE) != type) {
            return type == DIRECTORY ? "not a directory (a link?)" : "not a regular file (a link?)";
        }
        if (owner != uid) {
            return "owned by uid " + owner + ", not " + uid;
        }
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
            return "writable by others (mode " + Integer.toOctalString(mode & 07777) + ")";
        }
        return null;
    }

    private Rewrite read(Path entry, byte[] original) {
        String untrusted;
        try {
            Map<String, Object> attributes = Files.readAttributes(entry, "unix:uid,mode,size", LinkOption.NOFOLLOW_LINKS);
            untrusted = ownedAndPrivate(attributes, REGULAR);
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
            temporary = Files.createTempFile(directory, entry.getFileName() + ".", TEMPORARY_SUFFIX);
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
        File[] files = directory.toFile().listFiles();
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

    /**
     * Makes the directory, private to the user, and says whether it may now be trusted. Called only
     * when {@link #untrusted} found the part of its path that exists trusted: nothing is made below
     * a directory someone else could change.
     */
    private boolean created() {
        Path absolute = directory.toAbsolutePath();
        Path at = absolute.getRoot();
        try {
            // one directory at a time, each judged before anything is made in it: a link planted
            // where one was missing is never followed (mkdir does not follow a last component)
            for (int i = 0; i < absolute.getNameCount(); i++) {
                at = at.resolve(absolute.getName(i));
                try {
                    Files.createDirectory(at, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (FileAlreadyExistsException e) {
                    // there already (or made by a concurrent JVM): judged below either way
                }
                String untrusted = i == absolute.getNameCount() - 1 ? untrusted(at) : walk(at, 0, false);
                if (untrusted != null) {
                    debug("rewrite cache " + directory + " not used: " + untrusted);
                    return false;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return true;
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
