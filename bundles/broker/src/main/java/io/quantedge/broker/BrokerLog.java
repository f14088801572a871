package io.quantedge.broker;

import org.osgi.service.log.LoggerFactory;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Routes the broker's SLF4J logging into the gateway's OSGi log, so its warnings reach the same
 * place as everything else (and SLF4J does not print its "no provider" notice at every start).
 * SLF4J finds this class through ServiceLoader and builds it itself, so the OSGi logger factory
 * reaches it through a static field, set before the broker starts.
 */
public final class BrokerLog implements SLF4JServiceProvider {

    private static volatile LoggerFactory loggers;

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final ILoggerFactory factory = name -> new OsgiLogger(name, () -> loggers);

    static void useLoggers(LoggerFactory factory) {
        loggers = factory;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }
}
