package dev.reap.agent.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** The binding's logger factory, for code that asks SLF4J's relocated {@code LoggerFactory}. */
public final class ReapLoggerFactory implements ILoggerFactory {
    @Override
    public Logger getLogger(String name) {
        return new ReapLogger(name);
    }
}
