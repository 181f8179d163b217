package sample;

import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The leak projects really have: a helper run through a process library forks a child and exits; the child is orphaned. */
class CommonsExecTest {
    @Test
    void leavesTheOrphanOfAHelper() throws Exception {
        Path pidFile = Files.createTempFile("orphan", ".pid");
        CommandLine helper = new CommandLine("sh").addArgument("-c")
                .addArgument("sleep 600 > /dev/null 2>&1 & echo $! > \"$0\"", false).addArgument(pidFile.toString());
        new DefaultExecutor().execute(helper);
        Spawned.record("commons-exec-orphan", Long.parseLong(new String(Files.readAllBytes(pidFile), StandardCharsets.UTF_8).trim()));
        Files.delete(pidFile);
    }
}
