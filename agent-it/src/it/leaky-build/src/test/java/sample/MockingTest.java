package sample;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Mockito's inline mock maker (its own Byte Buddy and agent) beside reap-agent. */
class MockingTest {
    @Test
    @SuppressWarnings("unchecked")
    void mocksAFinalishTypeAndLeavesAChild() throws Exception {
        List<String> list = mock(List.class);
        when(list.get(0)).thenReturn("mocked");
        assertEquals("mocked", list.get(0));
        Spawned.start("mocking", "sleep", "600");
    }
}
