package dev.reap.agent.shutdown;

import dev.reap.agent.find.Root;
import dev.reap.agent.find.SessionTargets;
import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.reap.Target;
import dev.reap.agent.report.Origin;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Child;
import dev.reap.agent.session.Registry;
import dev.reap.agent.session.Session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds what this session must reap at exit: on Linux through {@link SessionTargets} (children,
 * descendants, tagged processes); elsewhere the children and their descendants by
 * {@link ProcessHandle}.
 */
public final class TargetCollector {
    private final Registry registry;
    private final Session session;

    TargetCollector(Registry registry, Session session) {
        this.registry = registry;
        this.session = session;
    }

    /** The targets, in the order found. */
    List<Target> collect() {
        List<Child> children = new ArrayList<>();
        for (Child c : registry.live()) {
            if (c.process().isAlive()) {
                children.add(c);
            }
        }
        if (ProcFs.available()) {
            List<Root> roots = rootsOf(children);
            for (Adopted a : registry.adopted()) {
                Origin origin = Origin.adopted(a);
                roots.add(Root.recorded(a.pid(), a.startTicks(), origin, Origin.descendantOf(a.pid())));
            }
            return SessionTargets.collect(session, roots);
        }
        return collectFromHandles(children, registry.adopted());
    }

    /**
     * The live ones of {@code children} and their descendants, and the processes whose environment
     * holds {@code tagVariable=tagValue} started at or after {@code sinceTicks}, without the rest of
     * the session's tagged processes: what one JUnit test must reap when it ends
     * ({@code reap.scope=test}).
     */
    public static List<Target> treesOf(List<Child> children, String tagVariable, String tagValue, long sinceTicks,
                                       Origin tagged) {
        if (!ProcFs.available()) {
            return collectFromHandles(children, List.of());
        }
        return SessionTargets.trees(rootsOf(children), tagVariable, tagValue, sinceTicks, tagged);
    }

    private static List<Root> rootsOf(List<Child> children) {
        List<Root> roots = new ArrayList<>();
        for (Child c : children) {
            roots.add(Root.child(c.process(), c.commandLine(), Origin.child(c), Origin.descendantOf(c)));
        }
        return roots;
    }

    private static List<Target> collectFromHandles(List<Child> children, List<Adopted> adopted) {
        Map<Long, Target> found = new LinkedHashMap<>();
        for (Adopted a : adopted) {
            if (a.handle() != null && a.handle().isAlive()) {
                found.putIfAbsent(a.pid(), Target.handle(a.handle(), a.commandLine(), Origin.adopted(a)));
            }
        }
        for (Child child : children) {
            found.putIfAbsent(child.pid(), Target.child(child.process(), -1, child.commandLine(), Origin.child(child)));
            if (ProcFs.showsAnotherPidNamespace()) {
                // the JDK finds descendants through that /proc: they would be strangers' PIDs
                continue;
            }
            child.process().descendants().forEach(d -> {
                Optional<String> line = d.info().commandLine();
                found.putIfAbsent(d.pid(), Target.handle(d, line.orElse(null), Origin.descendantOf(child)));
            });
        }
        return new ArrayList<>(found.values());
    }
}
