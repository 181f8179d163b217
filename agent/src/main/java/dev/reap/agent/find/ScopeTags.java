package dev.reap.agent.find;

import dev.reap.agent.reap.Origin;

/**
 * Who a {@link dev.reap.agent.session.Session#SCOPE_TAG} value names: the JUnit test that was
 * running when the process (or the ancestor it inherited the tag from) was spawned. A daemon
 * that left the process tree is attributed to its test by it.
 */
public interface ScopeTags {
    /** The origin of a process found carrying {@code scopeTag}; null when the tag names no test of this JVM. */
    Origin originOf(String scopeTag);
}
