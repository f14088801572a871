package io.quantedge.broker;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The embedded MQTT 5 broker: started when its configuration appears, stopped when it goes, and
 * restarted on a change. Messages live in memory only (retained ones included), which is all a
 * broker that lives and dies with the gateway can offer.
 */
@Component(service = {}, immediate = true, configurationPid = "io.quantedge.broker",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = BrokerOptions.class)
public final class EmbeddedBroker {

    private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    private final Logger log;
    private final String address;

    @Activate
    public EmbeddedBroker(BrokerOptions options, @Reference LoggerFactory loggers) throws Exception {
        this.log = loggers.getLogger(EmbeddedBroker.class);
        BrokerLog.useLoggers(loggers);
        this.address = options.host() + ":" + options.port();
        server.setConfiguration(configuration(options));
        long started = System.nanoTime();
        // Artemis finds its protocol modules with ServiceLoader on the context class loader.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(EmbeddedBroker.class.getClassLoader());
        try {
            server.start();
        } catch (Exception e) {
            log.error("Embedded MQTT broker could not start on {}: {}", address, e.toString());
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
        log.info("Embedded MQTT broker listening on {} (started in {} ms)", address,
                (System.nanoTime() - started) / 1_000_000);
    }

    static Configuration configuration(BrokerOptions options) throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("quantedge");
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(false);
        config.setJMXManagementEnabled(false);
        // Artemis checks free disk space for its journal; with no journal the check only adds noise.
        config.setDiskScanPeriod(-1);
        // Artemis warns about every queue without these; MQTT never uses them, but naming them is quieter.
        config.addAddressSetting("#", new AddressSettings().setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue")));
        config.addAcceptorConfiguration("mqtt", "tcp://" + options.host() + ":" + options.port()
                + "?protocols=MQTT;maximumPacketSize=" + options.maxPacketBytes());
        return config;
    }

    @Deactivate
    void stop() throws Exception {
        server.stop();
        log.info("Embedded MQTT broker on {} stopped", address);
    }
}
