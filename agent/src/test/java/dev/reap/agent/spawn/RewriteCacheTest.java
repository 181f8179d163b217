package dev.reap.agent.spawn;

import dev.reap.agent.proc.ProcFs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The on-disk cache of rewrites: read back when whole, recomputed when not, pruned of old entries. */
class RewriteCacheTest {
    private static final byte[] ORIGINAL = "the JDK's ProcessBuilder".getBytes(StandardCharsets.UTF_8);

    private static final long UID = ProcFs.ownUserIds()[1];

    @TempDir
    Path dir;

    private final AtomicInteger computed = new AtomicInteger();
    private final RewriteSource compute = (original, merged) -> {
        computed.incrementAndGet();
        return merged ? Rewrite.merged(bytes("merged"), bytes("connector")) : new Rewrite(bytes("pb"), bytes("bridge"), bytes("definer"));
    };

    @Test
    void aRewriteIsComputedOnceAndThenReadBackPerVariant() throws IOException {
        RewriteCache cache = cacheIn(dir);

        Rewrite first = cache.rewrite(ORIGINAL, true);
        Rewrite again = cacheIn(dir).rewrite(ORIGINAL, true);
        Rewrite separate = cache.rewrite(ORIGINAL, false);

        assertThat(computed).hasValue(2);
        assertThat(again.isMerged()).isTrue();
        assertThat(again.processBuilder()).isEqualTo(first.processBuilder()).isEqualTo(bytes("merged"));
        assertThat(separate.isMerged()).isFalse();
        assertThat(separate.bridge()).isEqualTo(bytes("bridge"));
        assertThat(dir.toFile().list()).hasSize(2);
    }

    @Test
    void aTornEntryIsRecomputedNeverUsed() throws IOException {
        RewriteCache cache = cacheIn(dir);
        cache.rewrite(ORIGINAL, false);
        File entry = cache.entryFor(ORIGINAL, false).toFile();
        try (RandomAccessFile f = new RandomAccessFile(entry, "rw")) {
            f.setLength(f.length() - 3);
        }

        Rewrite read = cache.rewrite(ORIGINAL, false);

        assertThat(computed).hasValue(2);
        assertThat(read.processBuilder()).isEqualTo(bytes("pb"));
    }

    @Test
    void writingAnEntryForgetsEntriesOlderThanTheKeptDays() throws IOException {
        File old = dir.resolve("ProcessBuilder-1-2-oldstamp.rewrite").toFile();
        File recent = dir.resolve("ProcessBuilder-1-2-otherstamp.rewrite").toFile();
        File foreign = dir.resolve("notes.txt").toFile();
        for (File f : new File[] {old, recent, foreign}) {
            Files.write(f.toPath(), bytes("x"));
        }
        long longAgo = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(RewriteCache.KEEP_DAYS + 1);
        assertThat(old.setLastModified(longAgo)).isTrue();
        assertThat(foreign.setLastModified(longAgo)).isTrue();

        cacheIn(dir).rewrite(ORIGINAL, true);

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
        assertThat(foreign).exists();
    }

    @Test
    void aDirectoryOthersCanWriteIsNeitherReadNorWritten() throws IOException {
        cacheIn(dir).rewrite(ORIGINAL, true);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        cacheIn(dir).rewrite(ORIGINAL, true);
        cacheIn(dir).rewrite(ORIGINAL, false);

        assertThat(computed).as("the entry written while it was private is not read").hasValue(3);
        assertThat(dir.toFile().list()).as("and nothing is written").hasSize(1);
    }

    @Test
    void aDirectoryUnderOneOthersCanWriteIsNotUsed() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Path cache = Files.createDirectory(open.resolve("reap-agent"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        cacheIn(cache).rewrite(ORIGINAL, true);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        cacheIn(cache).rewrite(ORIGINAL, true);

        assertThat(computed).as("whoever can write above it can swap it").hasValue(2);
        Files.setAttribute(open, "unix:mode", 01777);
        cacheIn(cache).rewrite(ORIGINAL, true);
        assertThat(computed).as("unless the directory above is sticky, as /tmp is").hasValue(2);
    }

    @Test
    void anEntryThatIsALinkOrOthersCanWriteIsNotRead() throws IOException {
        RewriteCache cache = cacheIn(dir);
        cache.rewrite(ORIGINAL, true);
        Path entry = cache.entryFor(ORIGINAL, true);
        Path elsewhere = Files.move(entry, dir.resolve("elsewhere"));
        Files.createSymbolicLink(entry, elsewhere);

        cacheIn(dir).rewrite(ORIGINAL, true);
        assertThat(computed).as("through a link").hasValue(2);

        Files.delete(entry);
        Files.move(elsewhere, entry);
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-rw-rw-"));
        cacheIn(dir).rewrite(ORIGINAL, true);
        assertThat(computed).as("writable by others").hasValue(3);
    }

    @Test
    void anotherUsersDirectoryOrEntryIsNotUsed() throws IOException {
        Assumptions.assumeTrue(UID == 0, "needs root to give files to another user");
        RewriteCache cache = cacheIn(dir);
        cache.rewrite(ORIGINAL, true);
        Path entry = cache.entryFor(ORIGINAL, true);
        Files.setAttribute(entry, "unix:uid", 65534);
        cacheIn(dir).rewrite(ORIGINAL, true);
        assertThat(computed).as("an entry of another user").hasValue(2);

        Files.setAttribute(entry, "unix:uid", 0);
        Files.setAttribute(dir, "unix:uid", 65534);
        cacheIn(dir).rewrite(ORIGINAL, true);
        assertThat(computed).as("a directory of another user").hasValue(3);
        Files.setAttribute(dir, "unix:uid", 0);
    }

    @Test
    void aLinkOnThePathThroughADirectoryOfAnotherUserIsNotFollowedNorMadeBelow() throws IOException {
        Assumptions.assumeTrue(UID == 0, "needs root to give files to another user");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Path sensitive = Files.createDirectory(dir.resolve("sensitive"));
        Path link = Files.createSymbolicLink(theirs.resolve("x"), sensitive);
        Files.setAttribute(theirs, "unix:uid", 65534);
        Files.setAttribute(link, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);

        cacheIn(link.resolve("made").resolve("reap-agent")).rewrite(ORIGINAL, true);
        cacheIn(link.resolve("made").resolve("reap-agent")).rewrite(ORIGINAL, true);

        assertThat(computed).as("never read").hasValue(2);
        assertThat(sensitive.toFile().list()).as("nothing made through their link").isEmpty();
        Files.setAttribute(theirs, "unix:uid", 0);
    }

    @Test
    void aLinkOnThePathIsFollowedOnlyWhereItsTargetIsSafeToo() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path mine = Files.createSymbolicLink(dir.resolve("mine"), open);
        cacheIn(mine.resolve("reap-agent")).rewrite(ORIGINAL, true);
        assertThat(open.toFile().list()).as("nothing made where others can write").isEmpty();

        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx------"));
        cacheIn(mine.resolve("reap-agent")).rewrite(ORIGINAL, true);
        cacheIn(mine.resolve("reap-agent")).rewrite(ORIGINAL, true);
        assertThat(computed).as("a link of ours to a private directory is fine").hasValue(2);
    }

    @Test
    void everyLinkOnTheWayIsJudgedNotOnlyTheLast() throws IOException {
        Assumptions.assumeTrue(UID == 0, "needs root to give files to another user");
        Path sticky = Files.createDirectory(dir.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        Path good = Files.createDirectory(dir.resolve("good"));
        Path theirLink = Files.createSymbolicLink(sticky.resolve("theirs"), good);
        Files.setAttribute(theirLink, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Path ourLink = Files.createSymbolicLink(dir.resolve("ours"), theirLink);
        Path cache = Files.createDirectory(good.resolve("reap-agent"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        cacheIn(cache).rewrite(ORIGINAL, true);

        cacheIn(ourLink.resolve("reap-agent")).rewrite(ORIGINAL, true);

        assertThat(computed).as("a link of another user in the middle of the chain: it can be swapped").hasValue(2);
    }

    @Test
    void anEntryLargerThanAnyRealOneIsNotReadAndIsReplaced() throws IOException {
        RewriteCache cache = cacheIn(dir);
        cache.rewrite(ORIGINAL, true);
        try (RandomAccessFile f = new RandomAccessFile(cache.entryFor(ORIGINAL, true).toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: past the largest array a JVM can make
        }

        cacheIn(dir).rewrite(ORIGINAL, true);
        cacheIn(dir).rewrite(ORIGINAL, true);

        assertThat(computed).as("recomputed once, and the entry written anew").hasValue(2);
        assertThat(Files.size(cache.entryFor(ORIGINAL, true))).isLessThan(1 << 20);
    }

    @Test
    void aMissingDirectoryIsMadePrivate() throws IOException {
        Path cache = dir.resolve("cache").resolve("reap-agent");
        cacheIn(cache).rewrite(ORIGINAL, true);
        cacheIn(cache).rewrite(ORIGINAL, true);

        assertThat(computed).hasValue(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.resolve(
                cacheIn(cache).entryFor(ORIGINAL, true).getFileName())))).isEqualTo("rw-------");
    }

    private RewriteCache cacheIn(Path directory) {
        return new RewriteCache(directory, UID, "stamp", compute);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
