package io.quantedge.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.results.queue.WhenFull;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration as ConfigAdmin hands it over, checked and resolved. */
class PublisherSettingsTest {

    private static ResultsOptions options(Map<String, Object> overrides) {
        return (ResultsOptions) Proxy.newProxyInstance(ResultsOptions.class.getClassLoader(),
                new Class<?>[] {ResultsOptions.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return ResultsOptions.class;
                    }
                    return overrides.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    @Test
    void theDefaultsQueueUnderTheDataFolderWithQosOneAndDropTheOldest() {
        PublisherSettings settings = PublisherSettings.from(options(Map.of()), "/var/lib/quantedge");
        assertEquals(1, settings.qos());
        assertEquals(Path.of("/var/lib/quantedge/results"), settings.directory());
        assertEquals(64L << 20, settings.limits().maxBytes());
        assertEquals(0, settings.limits().maxRecords());
        assertEquals(WhenFull.DROP_OLDEST, settings.limits().whenFull());
        assertEquals(4L << 20, settings.limits().segmentBytes());
        assertEquals(8, settings.maxInFlight());
        assertEquals(10_000, settings.publishTimeoutMillis());
        assertEquals(Path.of("data/results"), PublisherSettings.from(options(Map.of()), null).directory());
    }

    @Test
    void aSmallQueueGetsSegmentsOfAQuarterOfItsCapacity() {
        PublisherSettings settings = PublisherSettings.from(options(Map.of("queueMaxMb", 2, "whenFull",
                " drop_newest ", "queueDirectory", "/srv/q")), "/data");
        assertEquals(512L << 10, settings.limits().segmentBytes());
        assertEquals(WhenFull.DROP_NEWEST, settings.limits().whenFull());
        assertEquals(Path.of("/srv/q"), settings.directory());
    }

    @Test
    void valuesOutOfRangeAreRefusedNamingTheSettingAndWhatIsAllowed() {
        IllegalArgumentException policy = assertThrows(IllegalArgumentException.class,
                () -> PublisherSettings.from(options(Map.of("whenFull", "DROP_RANDOM")), "/data"));
        assertTrue(policy.getMessage().contains("io.quantedge.results: whenFull is DROP_RANDOM")
                && policy.getMessage().contains("DROP_OLDEST or DROP_NEWEST"), policy.getMessage());
        IllegalArgumentException qos = assertThrows(IllegalArgumentException.class,
                () -> PublisherSettings.from(options(Map.of("qos", 2)), "/data"));
        assertTrue(qos.getMessage().contains("qos is 2"), qos.getMessage());
        IllegalArgumentException inFlight = assertThrows(IllegalArgumentException.class,
                () -> PublisherSettings.from(options(Map.of("maxInFlight", 20)), "/data"));
        assertTrue(inFlight.getMessage().contains("receive maximum"), inFlight.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PublisherSettings.from(options(Map.of("queueMaxMb", 0)), "/data"));
    }
}
