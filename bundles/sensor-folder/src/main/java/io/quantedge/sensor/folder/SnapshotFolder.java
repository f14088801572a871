package io.quantedge.sensor.folder;

import io.quantedge.api.sensor.Frame;
import io.quantedge.api.sensor.FrameListener;
import io.quantedge.api.sensor.SensorAdapter;
import io.quantedge.api.sensor.SensorConfigurationException;
import io.quantedge.api.sensor.SensorStatistics;
import io.quantedge.sensor.folder.ProcessedFiles.Stamp;
import io.quantedge.sensor.frames.BadImageException;
import io.quantedge.sensor.frames.EncodedImage;
import io.quantedge.sensor.frames.FrameOutlet;
import io.quantedge.sensor.frames.SensorLoop;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * A folder where cameras drop snapshots, as a sensor. One thread per started folder learns of
 * new files from the file system's change notifications and, as a fallback, from a full listing
 * every few seconds; each file is taken once: at once when it is whole on first sight (renamed into
 * the folder), else once its size has settled and it ends like a whole image. Each good image is
 * a frame; afterwards the file is kept (and remembered in the state file), deleted or moved. Bad
 * files are reported once and moved to the failed folder if there is one; other files are
 * reported once and left alone.
 * <p>Immediate, so a refused configuration is logged as soon as it is read, and leaves no service
 * for a pipeline to find.
 */
@Component(service = SensorAdapter.class, immediate = true, configurationPid = SnapshotFolder.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SnapshotFolderOptions.class, factory = true)
public final class SnapshotFolder implements SensorAdapter {

    static final String FACTORY_PID = "io.quantedge.sensor.folder";
    /** The attribute naming the file a frame came from. */
    static final String FILE = "file";
    /** Fewer bytes than a JPEG or PNG signature and its first header. */
    private static final int TOO_SHORT_TO_JUDGE = 16;

    /** What is known of a file not yet taken: how it looked, and since when. */
    private static final class Pending {
        Stamp stamp;
        long lastChange;
        long lastCheck;
    }

    private final FolderSettings settings;
    private final Logger log;
    private final FrameOutlet outlet;
    private final SensorLoop loop;
    private volatile WatchService watch;

    @Activate
    public SnapshotFolder(SnapshotFolderOptions options, @Reference(service = LoggerFactory.class) Logger log,
                          BundleContext context) throws SensorConfigurationException {
        this(FolderSettings.of(options, context.getProperty("quantedge.data.dir")), log);
    }

    SnapshotFolder(FolderSettings settings, Logger log) {
        this.settings = settings;
        this.log = log;
        this.outlet = new FrameOutlet(settings.sensorId());
        // Not interrupted on stop: an interrupt would cut a state file write short. Closing the watch wakes it.
        this.loop = new SensorLoop(outlet, "quantedge-sensor-folder-" + settings.sensorId(), this::run,
                this::closeWatch, Duration.ofSeconds(10));
    }

    @Override
    public String id() {
        return settings.sensorId();
    }

    @Override
    public void start(FrameListener listener) {
        if (loop.start(listener)) {
            log.info("Snapshot folder {} started on {}", settings.sensorId(), settings.directory());
        }
    }

    @Override
    @Deactivate
    public void stop() {
        if (loop.stop()) {
            log.info("Snapshot folder {} stopped: {}", settings.sensorId(), outlet.statistics());
        }
    }

    private void closeWatch() {
        WatchService open = watch;
        if (open != null) {
            try {
                open.close();
            } catch (IOException ignored) {
                // it is stopping anyway
            }
        }
    }

    @Override
    public SensorStatistics statistics() {
        return outlet.statistics();
    }

    private void run() {
        ProcessedFiles processed = null;
        while (loop.running()) {
            try {
                if (processed == null) {
                    processed = ProcessedFiles.load(settings.stateFile());
                }
                watchFolder(processed);
            } catch (IOException | RuntimeException e) {
                if (!loop.running()) {
                    break;
                }
                outlet.problem("folder " + settings.directory() + ": " + e);
                log.error("Snapshot folder {}: {}; trying again in {}", settings.sensorId(), e.toString(),
                        settings.rescan());
                loop.pause(settings.rescan().toMillis());
            }
        }
        if (processed != null) {
            try {
                processed.save();
            } catch (IOException e) {
                log.error("Snapshot folder {}: the state file {} could not be saved: {}", settings.sensorId(),
                        settings.stateFile(), e.toString());
            }
        }
    }

    private void watchFolder(ProcessedFiles processed) throws IOException {
        Path directory = settings.directory();
        Files.createDirectories(directory);
        if (settings.doneDirectory().isPresent()) {
            Files.createDirectories(settings.doneDirectory().get());
        }
        if (settings.failedDirectory().isPresent()) {
            Files.createDirectories(settings.failedDirectory().get());
        }
        long tickMillis = Math.max(10, Math.min(200, settings.settle().toMillis() / 4));
        try (WatchService service = directory.getFileSystem().newWatchService()) {
            watch = service;
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            Map<String, Pending> pending = new LinkedHashMap<>();
            long nextRescan = System.nanoTime();
            while (loop.running()) {
                if (System.nanoTime() - nextRescan >= 0) {
                    rescan(pending, processed);
                    nextRescan = System.nanoTime() + settings.rescan().toNanos();
                }
                take(pending, processed);
                processed.save();
                WatchKey key = service.poll(tickMillis, TimeUnit.MILLISECONDS);
                while (key != null) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            nextRescan = System.nanoTime(); // events were lost: list the folder now
                        } else if (event.context() instanceof Path name) {
                            notice(name.toString(), pending);
                        }
                    }
                    if (!key.reset()) {
                        throw new NoSuchFileException(directory.toString(), null, "the watched folder went away");
                    }
                    key = service.poll();
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException stopped) {
            // stop() closed the watch
        } finally {
            watch = null;
        }
    }

    private void rescan(Map<String, Pending> pending, ProcessedFiles processed) throws IOException {
        Set<String> present = new HashSet<>();
        Set<String> sorted = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(settings.directory())) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                present.add(name);
                sorted.add(name);
            }
        }
        processed.retainOnly(present);
        sorted.forEach(name -> notice(name, pending));
    }

    private static void notice(String name, Map<String, Pending> pending) {
        if (!isUploadUnderWay(name) && name.indexOf('\n') < 0) {
            pending.computeIfAbsent(name, n -> new Pending());
        }
    }

    /** Temporary names an uploader writes before renaming: never looked at. */
    static boolean isUploadUnderWay(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return name.startsWith(".") || lower.endsWith(".tmp") || lower.endsWith(".part") || lower.endsWith(".filepart")
                || name.endsWith("~");
    }

    private boolean hasImageExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && settings.extensions().contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Takes every pending file that is ready; leaves the rest for a later tick. */
    private void take(Map<String, Pending> pending, ProcessedFiles processed) throws IOException {
        long settle = settings.settle().toNanos();
        Iterator<Map.Entry<String, Pending>> entries = pending.entrySet().iterator();
        while (entries.hasNext() && loop.running()) {
            Map.Entry<String, Pending> entry = entries.next();
            String name = entry.getKey();
            Pending state = entry.getValue();
            Path file = settings.directory().resolve(name);
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException gone) {
                entries.remove();
                continue;
            }
            Stamp stamp = new Stamp(attributes.size(), attributes.lastModifiedTime().toMillis());
            if (!attributes.isRegularFile() || processed.contains(name, stamp)) {
                entries.remove();
                continue;
            }
            if (!hasImageExtension(name)) {
                // Judged by its name, so a change (written after it was created, say) is no news.
                boolean reported = processed.knows(name);
                processed.add(name, stamp);
                entries.remove();
                if (!reported) {
                    outlet.rejected("not an image file: " + name);
                    log.warn("Snapshot folder {}: {} is not an image file ({}); left alone", settings.sensorId(), name,
                            settings.extensions());
                }
                continue;
            }
            if (stamp.size() > settings.maxFileBytes()) {
                entries.remove();
                fail(name, stamp, "TOO_LARGE: " + stamp.size() + " bytes, above the limit of "
                        + settings.maxFileBytes(), processed);
                continue;
            }
            long now = System.nanoTime();
            boolean firstSight = state.stamp == null;
            if (!stamp.equals(state.stamp)) {
                state.stamp = stamp;
                state.lastChange = now;
                if (!firstSight) {
                    continue; // still being written: wait for it to settle
                }
            } else if (now - state.lastChange < settle || now - state.lastCheck < settle) {
                continue;
            }
            state.lastCheck = now;
            byte[] data;
            try {
                data = Files.readAllBytes(file);
            } catch (NoSuchFileException gone) {
                entries.remove();
                continue;
            }
            if (data.length != stamp.size()) {
                state.stamp = null; // it grew while being read: look again later
                continue;
            }
            EncodedImage image;
            try {
                image = EncodedImage.inspect(data, data.length);
            } catch (BadImageException e) {
                boolean settled = !firstSight;
                // An uploader may create the file and pause before its first bytes: too short to judge yet.
                boolean unfinished = e.reason() == BadImageException.Reason.TRUNCATED
                        || data.length < TOO_SHORT_TO_JUDGE;
                boolean mayStillGrow = unfinished && now - state.lastChange < settings.abandon().toNanos();
                if (settled && !mayStillGrow) {
                    entries.remove();
                    fail(name, stamp, e.getMessage(), processed);
                }
                continue;
            }
            if (!outlet.deliver(Instant.now(), image.mediaType(), data, Map.of(FILE, name,
                    Frame.WIDTH, String.valueOf(image.width()), Frame.HEIGHT, String.valueOf(image.height())))) {
                return; // stopped: the file stays for the next start
            }
            entries.remove();
            finish(name, stamp, processed);
        }
    }

    private void finish(String name, Stamp stamp, ProcessedFiles processed) {
        Path file = settings.directory().resolve(name);
        try {
            switch (settings.afterProcessing()) {
                case DELETE -> Files.deleteIfExists(file);
                case MOVE -> moveInto(settings.doneDirectory().orElseThrow(), file);
                case KEEP -> processed.add(name, stamp);
            }
        } catch (IOException e) {
            processed.add(name, stamp); // it stays: never take it twice
            outlet.problem("could not " + settings.afterProcessing().name().toLowerCase(Locale.ROOT) + " " + name
                    + ": " + e);
            log.error("Snapshot folder {}: could not {} {}: {}", settings.sensorId(),
                    settings.afterProcessing().name().toLowerCase(Locale.ROOT), name, e.toString());
        }
    }

    private void fail(String name, Stamp stamp, String reason, ProcessedFiles processed) {
        outlet.rejected(name + ": " + reason);
        Path file = settings.directory().resolve(name);
        if (settings.failedDirectory().isPresent()) {
            try {
                Path moved = moveInto(settings.failedDirectory().get(), file);
                log.warn("Snapshot folder {}: {} is bad ({}); moved to {}", settings.sensorId(), name, reason, moved);
                return;
            } catch (IOException e) {
                log.error("Snapshot folder {}: could not move bad file {} away: {}", settings.sensorId(), name,
                        e.toString());
            }
        } else {
            log.warn("Snapshot folder {}: {} is bad ({}); left in place", settings.sensorId(), name, reason);
        }
        processed.add(name, stamp);
    }

    /** Moves {@code file} into {@code folder} under its name, or its name with -1, -2, ... if taken. */
    private static Path moveInto(Path folder, Path file) throws IOException {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int attempt = 0; ; attempt++) {
            Path target = folder.resolve(attempt == 0 ? name : base + "-" + attempt + extension);
            try {
                return Files.move(file, target);
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 1000) {
                    throw taken;
                }
            }
        }
    }
}
