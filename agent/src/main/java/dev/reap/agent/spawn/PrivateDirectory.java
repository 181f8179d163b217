package dev.reap.agent.spawn;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A directory only one user (and root) can change, judged as it is now: it must be a directory,
 * not a link, owned by that user and writable by nobody else; everything on its path as given
 * (checked without following links), and every link on the way, link by link, owned by that user
 * or root and writable by nobody else unless sticky (as {@code /tmp}), so that none can be swapped
 * after it was checked. What it holds is trusted only as far as {@link #untrustedEntry} allows.
 */
final class PrivateDirectory {
    /** What {@link #untrusted} says of a directory that does not exist yet: it may be made. */
    static final String ABSENT = "absent";
    private static final int TYPE = 0170000;
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR = 0100000;
    private static final int LINK = 0120000;
    private static final int MAX_LINKS = 8;
    private static final int STICKY = 01000;
    private static final int GROUP_OR_OTHERS_WRITE = 0022;

    private final Path path;
    private final long uid;

    PrivateDirectory(Path path, long uid) {
        this.path = path;
        this.uid = uid;
    }

    Path path() {
        return path;
    }

    /**
     * Null when the directory may be trusted, {@link #ABSENT} when it does not exist yet below
     * trusted directories (it may be made), else why not.
     */
    String untrusted() {
        return walk(path.toAbsolutePath(), 0, true);
    }

    /** Null when {@code attributes} ({@code unix:uid,mode}) are of a regular file of the user that only they can write; else why not. */
    String untrustedEntry(Map<String, Object> attributes) {
        return ownedAndPrivate(attributes, REGULAR);
    }

    /** {@link #untrusted} of {@code absolute}; {@code leaf}: its last component is the directory itself. */
    private String walk(Path absolute, int links, boolean leaf) {
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
                return leaf ? ABSENT : "a link to " + absolute + ", which does not exist";
            } catch (IOException | RuntimeException e) {
                return at + " is unreadable (" + e + ")";
            }
            boolean last = leaf && i == absolute.getNameCount() - 1;
            String why = last ? ownedAndPrivate(attributes, DIRECTORY) : safeAbove(attributes);
            if (why != null) {
                return last ? why : at + " on its path is " + why;
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

    /** Null for what may stand above the directory: a directory or a link of root or the user, not writable by others unless sticky. */
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

    /**
     * Makes the directory, private to the user; null when it may now be trusted, else why not.
     * Called only when {@link #untrusted} found the part of its path that exists trusted. One
     * directory at a time, each judged before anything is made in it: a link planted where one
     * was missing is never followed (mkdir does not follow a last component).
     */
    String create() {
        Path absolute = path.toAbsolutePath();
        Path at = absolute.getRoot();
        try {
            for (int i = 0; i < absolute.getNameCount(); i++) {
                at = at.resolve(absolute.getName(i));
                try {
                    Files.createDirectory(at, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (FileAlreadyExistsException e) {
                    // there already (or made by a concurrent JVM): judged below either way
                }
                boolean last = i == absolute.getNameCount() - 1;
                String untrusted = walk(at, 0, last);
                if (untrusted != null) {
                    return untrusted;
                }
            }
        } catch (IOException | RuntimeException e) {
            return "cannot be made (" + e + ")";
        }
        return null;
    }
}
