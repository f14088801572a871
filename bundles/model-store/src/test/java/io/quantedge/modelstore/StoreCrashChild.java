package io.quantedge.modelstore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The process {@link CrashSafetyTest} kills: opens the store (recovering from the previous kill),
 * then installs one new version after another, sometimes rolling back, until it is killed. Before
 * each switch of the active version it prints which version it is switching to, and after it the
 * version now active, so the test knows what the store may serve after the kill.
 */
public final class StoreCrashChild {

    private StoreCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        StorePackages packages = new StorePackages(Path.of(args[2]), Path.of(args[1]));
        Random random = new Random(Long.parseLong(args[3]));
        try (FileModelStore store = FileModelStore.open(new StoreSettings(directory, 3, 0), packages.packages, e -> { })) {
            int next = store.versions("cam").stream().mapToInt(m -> Integer.parseInt(m.version())).max().orElse(0) + 1;
            say("ready");
            while (true) {
                String version = String.valueOf(next++);
                Path file = packages.write("cam", version);
                store.stage(file);
                store.markValidated("cam", version);
                say("switching to " + version);
                store.activate("cam", version);
                say("active " + version);
                Files.delete(file);
                if (random.nextInt(4) == 0 && store.rollbackTarget("cam").isPresent()) {
                    String target = store.rollbackTarget("cam").get().version();
                    say("switching to " + target);
                    store.rollback("cam", "rolled back by the crash test");
                    say("active " + target);
                }
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
