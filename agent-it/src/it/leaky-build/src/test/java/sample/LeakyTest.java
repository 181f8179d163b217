package sample;

import org.junit.jupiter.api.Test;

/** Tests that pass and leave processes of every kind behind. */
class LeakyTest {
    @Test
    void leavesAPlainChild() throws Exception {
        Spawned.start("plain", "sleep", "600");
    }

    @Test
    void leavesAChildIgnoringSigint() throws Exception {
        Spawned.start("deaf", "sh", "-c", "trap '' INT; exec sleep 600");
    }

    @Test
    void leavesAGrandchild() throws Exception {
        Process shell = Spawned.start("shell", "sh", "-c", "sleep 600 & wait");
        Spawned.record("grandchild", Spawned.firstChild(shell));
    }

    @Test
    void leavesADaemon() throws Exception {
        Spawned.daemon("daemon");
    }
}
