package sample;

import org.junit.jupiter.api.Test;

/** A second class, for forkCount=2, reuseForks=false and parallel classes. */
class OtherLeakyTest {
    @Test
    void leavesAChild() throws Exception {
        Spawned.start("other", "sleep", "600");
    }

    @Test
    void leavesADaemon() throws Exception {
        Spawned.daemon("other-daemon");
    }
}
