package io.quantedge.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributionTest {

    @TempDir
    Path home;

    @Test
    void foldersDefaultToTheHomeAndOptionsOverrideThem() {
        Distribution d = Distribution.of(home, new RunOptions(Optional.empty(), Optional.of(Path.of("/srv/load")),
                Optional.empty(), false, false));
        assertEquals(home.resolve("runtime-config"), d.configDir());
        assertEquals(Path.of("/srv/load"), d.loadDir());
        assertEquals(home.resolve("data").resolve("cache"), d.frameworkCache());
    }

    @Test
    void onlyJarsAreBundlesAndTheyAreSortedByName() throws Exception {
        Path dir = Files.createDirectories(home.resolve("bundles"));
        Files.createFile(dir.resolve("b.jar"));
        Files.createFile(dir.resolve("a.jar"));
        Files.createFile(dir.resolve("notes.txt"));
        Files.createDirectories(dir.resolve("system.jar")); // a folder is not a bundle
        assertEquals(List.of(dir.resolve("a.jar"), dir.resolve("b.jar")), Distribution.jarsIn(dir));
        assertEquals(List.of(), Distribution.jarsIn(home.resolve("absent")));
    }

    @Test
    void aWrongHomeIsReportedBeforeTheFrameworkStarts() {
        Distribution d = Distribution.of(home, new RunOptions(Optional.empty(), Optional.empty(), Optional.empty(),
                false, false));
        List<String> problems = d.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("no framework bundles in " + home.resolve("bundles/system")));
        assertTrue(problems.get(1).contains("runtime-config does not exist"));
    }

    @Test
    void frameworkPropertiesPointFileInstallAtTheConfigurationAndExposeTheFolders() {
        Distribution d = Distribution.of(home, new RunOptions(Optional.empty(), Optional.empty(), Optional.empty(),
                false, false));
        Map<String, String> p = FrameworkProperties.of(d, "1.2.3");
        assertEquals(d.configDir().toString(), p.get("felix.fileinstall.dir"));
        assertEquals(d.loadDir().toString(), p.get("quantedge.load.dir"));
        assertEquals(d.frameworkCache().toString(), p.get("org.osgi.framework.storage"));
        assertEquals("onFirstInit", p.get("org.osgi.framework.storage.clean"));
        assertEquals("1.2.3", p.get("quantedge.version"));
        assertTrue("x.cfg.json".matches(p.get("felix.fileinstall.filter")));
        assertTrue(!"x.cfg".matches(p.get("felix.fileinstall.filter")));
    }
}
