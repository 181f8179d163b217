package dev.reap.agent.spawn;

import java.lang.invoke.MethodHandles;
import java.util.function.Function;

/**
 * Defines the bridge class into {@code java.lang}. Loaded only by {@link BridgeClass}'s private
 * class loader, whose unnamed module is the only one {@code java.lang} gets opened to: the host's
 * class path gains no access to {@code java.lang} internals. JDK types only, for that loader.
 */
public final class BridgeDefiner implements Function<byte[], Class<?>> {
    @Override
    public Class<?> apply(byte[] bytes) {
        try {
            return MethodHandles.privateLookupIn(Object.class, MethodHandles.lookup()).defineClass(bytes);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
