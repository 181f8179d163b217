package sample;

import org.junit.jupiter.api.Test;

/** Ends its fork with System.exit: "The forked VM terminated without properly saying goodbye". */
class ExitingTest {
    @Test
    void exitsTheFork() throws Exception {
        Spawned.start("before-exit", "sleep", "600");
        Spawned.daemon("before-exit-daemon");
        System.exit(3);
    }
}
