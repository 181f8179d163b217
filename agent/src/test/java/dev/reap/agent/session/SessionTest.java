package dev.reap.agent.session;

import dev.reap.agent.proc.Namespace;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Session ids and tag chains: what an agent writes is read back, anything else names nobody. */
class SessionTest {
    @Test
    void aSessionIdNamesItsPidStartAndView() {
        Session self = Session.current(Map.of());
        assertThat(Namespace.current()).as("this test runs where /proc shows its own namespace").matches("[0-9a-f]{12}");
        assertThat(self.id()).isEqualTo(self.pid() + "-" + self.startTime() + "-" + Namespace.current());
        Session parsed = Session.parse(self.id());
        assertThat(parsed.pid()).isEqualTo(self.pid());
        assertThat(parsed.startTime()).isEqualTo(self.startTime());
        assertThat(parsed.view()).isEqualTo(Namespace.current());
        assertThat(Session.parse("4242-81184").view()).as("an id without a view").isNull();
    }

    @Test
    void malformedIdsAreNoSessions() {
        for (String bad : new String[] {"", "-", "4242", "4242-", "-81184", "0-5", "4242-81184-", "4242-81184-XYZ",
                "4242-81184-3f2a9c01b7d", "4242-81184-3f2a9c01b7dee", "4242-81184-3F2A9C01B7DE", "04242-81184",
                "4242--81184", "4242-81184-3f2a9c01b7de-1", "4242-8118\n4", "99999999999999999999-1", "+42-1"}) {
            assertThat(Session.parse(bad)).as("'%s'", bad).isNull();
        }
    }

    @Test
    void aChainIsReadOnlyWhenEveryIdInItIsWellFormed() {
        String a = "4242-81184-3f2a9c01b7de";
        String b = "4250-81190-3f2a9c01b7de";
        assertThat(Session.chainOf(a + "," + b)).containsExactly(a, b);
        assertThat(Session.chainOf("4242-81184")).containsExactly("4242-81184");
        for (String bad : new String[] {null, "", ",", a + ",", "," + a, a + ",," + b, a + "\n," + b, a + " ", "x," + a}) {
            assertThat(Session.chainOf(bad)).as("'%s'", bad).isNull();
        }
        assertThat(Session.chainOf((a + ",").repeat(32) + b)).as("deeper than any real nesting").isNull();
        assertThat(Session.chainOf("1".repeat(1 << 20))).as("huge").isNull();
    }

    @Test
    void aSessionTagsOnlyWellFormedChainsThatNameIt() {
        Session self = Session.current(Map.of());
        assertThat(self.tags(self.id())).isTrue();
        assertThat(self.tags("4242-81184," + self.id())).isTrue();
        assertThat(self.tags("garbage," + self.id())).as("a malformed chain names nobody").isFalse();
        assertThat(self.tags(self.id() + "0")).isFalse();
    }

    @Test
    void aMalformedInheritedTagIsDroppedNotCarriedOn() {
        Session self = Session.current(Map.of(Session.TAG, "evil\nvalue"));
        assertThat(self.chain()).isEqualTo(self.id());
        Session nested = Session.current(Map.of(Session.TAG, "4242-81184-3f2a9c01b7de"));
        assertThat(nested.chain()).isEqualTo("4242-81184-3f2a9c01b7de," + nested.id());
    }
}
