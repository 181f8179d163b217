package sample;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CleanModuleTest {
    @Test
    void spawnsAndWaits() throws Exception {
        assertEquals(0, new ProcessBuilder("true").start().waitFor());
    }
}
