package dev.reap.agent.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GithubActionsTest {
    @Test
    void theSourceLineIsTheUsersFrameNotTheLibrarys() {
        GithubActions.SourceLine line = GithubActions.sourceOf("com.acme.ServerIT$Nested.start(ServerIT.java:42) via "
                + "org.apache.commons.exec.DefaultExecutor.execute(DefaultExecutor.java:147)");
        assertThat(line.file).isEqualTo("com/acme/ServerIT.java");
        assertThat(line.line).isEqualTo(42);
        assertThat(GithubActions.sourceOf("Main.main(Main.java:3)").file).as("the default package").isEqualTo("Main.java");
        assertThat(GithubActions.sourceOf("com.acme.Gen.run(Unknown Source)")).as("no line").isNull();
        assertThat(GithubActions.sourceOf("native spawn")).isNull();
        assertThat(GithubActions.sourceOf(null)).isNull();
    }

    @Test
    void anAnnotationEscapesWhatWorkflowCommandsReserve() {
        assertThat(GithubActions.annotation(true, "src/a,b.java", 7, "reap: left", "100% of\nit"))
                .isEqualTo("::error file=src/a%2Cb.java,line=7,title=reap%3A left::100%25 of%0Ait");
        assertThat(GithubActions.annotation(false, null, 0, "t", "m")).isEqualTo("::warning title=t::m");
    }
}
