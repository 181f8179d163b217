package dev.reap.agent.shutdown;

import dev.reap.agent.session.Child;

/** Why a process is this session's to reap. */
final class Origin {
    enum Kind { CHILD, DESCENDANT, TAGGED }

    private final Kind kind;
    private final Child recorded;

    private Origin(Kind kind, Child recorded) {
        this.kind = kind;
        this.recorded = recorded;
    }

    static Origin child(Child child) {
        return new Origin(Kind.CHILD, child);
    }

    static Origin descendantOf(Child child) {
        return new Origin(Kind.DESCENDANT, child);
    }

    static Origin tagged() {
        return new Origin(Kind.TAGGED, null);
    }

    Kind kind() { return kind; }

    /** The recorded child it is, or descends from; null for a process found by its tag. */
    Child recorded() { return recorded; }

    /** {@code spawned at com.acme.ServerIT.start(ServerIT.java:42)} */
    String describe() {
        switch (kind) {
            case CHILD:
                return "spawned at " + recorded.site();
            case DESCENDANT:
                return "started by pid " + recorded.pid() + " spawned at " + recorded.site();
            default:
                return "found by its " + dev.reap.agent.session.Session.TAG + " tag";
        }
    }

    String kindName() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
