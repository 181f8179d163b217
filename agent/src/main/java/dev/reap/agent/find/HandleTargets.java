package dev.reap.agent.find;

import dev.reap.agent.proc.ProcFs;
import dev.reap.agent.reap.Origin;
import dev.reap.agent.reap.Target;
import dev.reap.agent.session.Adopted;
import dev.reap.agent.session.Child;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where there is no usable {@code /proc}: the live recorded and adopted processes and the recorded
 * children's descendants, by {@link ProcessHandle} (which checks the start time itself).
 */
final class HandleTargets {
    private HandleTargets() {
    }

    static List<Target> of(List<Child> children, List<Adopted> adopted) {
        Map<Long, Target> found = new LinkedHashMap<>();
        for (Adopted a : adopted) {
            if (a.handle() != null && a.handle().isAlive()) {
                found.putIfAbsent(a.pid(), Target.handle(a.handle(), a.commandLine(), Origin.adopted(a)));
            }
        }
        for (Child child : children) {
            if (!child.process().isAlive()) {
                continue;
            }
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
