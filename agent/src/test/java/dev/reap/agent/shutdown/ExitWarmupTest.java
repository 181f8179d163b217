package dev.reap.agent.shutdown;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The warm-up's list names classes that exist (a rename would otherwise only cost time, silently). */
class ExitWarmupTest {
    @Test
    void everyNameIsOneOfTheAgentsClasses() {
        assertThat(ExitWarmup.CLASSES).isNotEmpty().allSatisfy(name ->
                assertThatCode(() -> Class.forName(name, false, ExitWarmup.class.getClassLoader()))
                        .as(name).doesNotThrowAnyException());
    }

    @Test
    void warmingTwiceIsHarmless() {
        assertThatCode(() -> {
            ExitWarmup.warm();
            ExitWarmup.warm();
        }).doesNotThrowAnyException();
    }
}
