package io.quantedge.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonConfigurationTest {

    private static final Map<String, String> VARIABLES = Map.of("quantedge.home", "/opt/quantedge");

    private static JsonConfiguration parse(String fileName, String json) throws InvalidConfigurationException {
        return JsonConfiguration.parse(fileName, json, VARIABLES::get);
    }

    @Test
    void fileNameNamesAPlainConfiguration() throws Exception {
        JsonConfiguration c = parse("io.quantedge.log.cfg.json", "{\"level\":\"DEBUG\"}");
        assertEquals("io.quantedge.log", c.pid());
        assertFalse(c.isFactory());
        assertEquals(Map.of("level", "DEBUG"), c.properties());
    }

    @Test
    void tildeNamesAFactoryConfiguration() throws Exception {
        JsonConfiguration c = parse("org.apache.felix.fileinstall~load.cfg.json", "{}");
        assertEquals("org.apache.felix.fileinstall", c.pid());
        assertEquals(Optional.of("load"), c.factoryName());
    }

    @Test
    void jsonValuesBecomeTheTypesConfigAdminHolds() throws Exception {
        JsonConfiguration c = parse("p.cfg.json", """
                {"poll": 1000, "ratio": 0.5, "enabled": true, "big": 9007199254740993,
                 "names": ["a", "b"], "sizes": [1, 2.5], "counts": [3, 4]}
                """);
        assertEquals(1000L, c.properties().get("poll"));
        assertEquals(0.5, c.properties().get("ratio"));
        assertEquals(Boolean.TRUE, c.properties().get("enabled"));
        assertEquals(9007199254740993L, c.properties().get("big"));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) c.properties().get("names"));
        assertArrayEquals(new Double[] {1.0, 2.5}, (Double[]) c.properties().get("sizes"));
        assertArrayEquals(new Long[] {3L, 4L}, (Long[]) c.properties().get("counts"));
    }

    @Test
    void variablesAreReplacedFromFrameworkProperties() throws Exception {
        JsonConfiguration c = parse("p.cfg.json", "{\"dir\": \"${quantedge.home}/load\", \"plain\": \"$x{\"}");
        assertEquals("/opt/quantedge/load", c.properties().get("dir"));
        assertEquals("$x{", c.properties().get("plain"));
    }

    @Test
    void badFilesAreRefusedWithTheFileAndPropertyNamed() {
        var unknown = assertThrows(InvalidConfigurationException.class,
                () -> parse("p.cfg.json", "{\"dir\": \"${nope}\"}"));
        assertEquals("p.cfg.json: property 'dir': unknown variable ${nope}", unknown.getMessage());

        var nested = assertThrows(InvalidConfigurationException.class, () -> parse("p.cfg.json", "{\"a\": {}}"));
        assertTrue(nested.getMessage().contains("property 'a'"), nested.getMessage());

        var mixed = assertThrows(InvalidConfigurationException.class, () -> parse("p.cfg.json", "{\"a\": [1, \"x\"]}"));
        assertTrue(mixed.getMessage().contains("mixes Long and String"), mixed.getMessage());

        assertThrows(InvalidConfigurationException.class, () -> parse("p.cfg.json", "{\"a\": null}"));
        assertThrows(InvalidConfigurationException.class, () -> parse("p.cfg.json", "[1]"));
        assertThrows(InvalidConfigurationException.class, () -> parse("p.cfg.json", "{\"a\": "));
        assertThrows(InvalidConfigurationException.class, () -> parse("~x.cfg.json", "{}"));
        assertThrows(InvalidConfigurationException.class, () -> parse("f~.cfg.json", "{}"));
    }

    @Test
    void onlyCfgJsonFilesAreHandled() {
        assertTrue(JsonConfiguration.handles("a.cfg.json"));
        assertFalse(JsonConfiguration.handles(".cfg.json"));
        assertFalse(JsonConfiguration.handles("a.cfg"));
        assertFalse(JsonConfiguration.handles("a.json"));
    }
}
