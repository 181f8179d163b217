package dev.reap.agent.spawn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The on-disk cache of rewrites: read back when whole, recomputed when not, pruned of old entries. */
class RewriteCacheTest {
    private static final byte[] ORIGINAL = "the JDK's ProcessBuilder".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final AtomicInteger computed = new AtomicInteger();
    private final RewriteSource compute = (original, merged) -> {
        computed.incrementAndGet();
        return merged ? Rewrite.merged(bytes("merged")) : new Rewrite(bytes("pb"), bytes("bridge"), bytes("definer"));
    };

    @Test
    void aRewriteIsComputedOnceAndThenReadBackPerVariant() throws IOException {
        RewriteCache cache = new RewriteCache(dir.toFile(), "stamp", compute);

        Rewrite first = cache.rewrite(ORIGINAL, true);
        Rewrite again = new RewriteCache(dir.toFile(), "stamp", compute).rewrite(ORIGINAL, true);
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
        RewriteCache cache = new RewriteCache(dir.toFile(), "stamp", compute);
        cache.rewrite(ORIGINAL, false);
        File entry = cache.entryFor(ORIGINAL, false);
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

        new RewriteCache(dir.toFile(), "stamp", compute).rewrite(ORIGINAL, true);

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
        assertThat(foreign).exists();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
