package sample;

import org.junit.jupiter.api.Test;

/** Run by Failsafe, wired the same way. */
class LeakyIT {
    @Test
    void leavesAChildAndADaemon() throws Exception {
        Spawned.start("failsafe", "sleep", "600");
        Spawned.daemon("failsafe-daemon");
    }
}
