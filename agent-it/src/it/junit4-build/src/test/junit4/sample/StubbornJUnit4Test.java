package sample;

import org.junit.Test;

/** A child that lives through SIGINT (it handles it) and ends on SIGTERM: run alone, with Surefire's exit timeout shorter than the grace. */
public class StubbornJUnit4Test {
    @Test
    public void leavesAChildThatOutlivesSigint() throws Exception {
        LeakyJUnit4Test.record("stubborn", new ProcessBuilder("sh", "-c", "trap 'echo INT' INT; while :; do sleep 0.1; done").start().pid());
    }
}
