package io.quantedge.sensor.folder;

import static io.quantedge.sensor.frames.OptionChecks.require;

import io.quantedge.api.sensor.SensorConfigurationException;
import io.quantedge.sensor.frames.OptionChecks;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** A snapshot folder's configuration, checked. */
record FolderSettings(String sensorId, Path directory, Set<String> extensions, Duration settle, Duration abandon,
                      Duration rescan, AfterProcessing afterProcessing, Optional<Path> doneDirectory,
                      Optional<Path> failedDirectory, Path stateFile, long maxFileBytes) {

    /** What becomes of a processed file. */
    enum AfterProcessing { KEEP, DELETE, MOVE }

    static FolderSettings of(SnapshotFolderOptions options, String dataDir) throws SensorConfigurationException {
        String id = OptionChecks.sensorId(options.quantedge_sensor_id());
        Path directory = path("directory", options.directory(), id)
                .orElseThrow(() -> new SensorConfigurationException("directory of snapshot folder " + id
                        + " is missing: name the folder the cameras write to"));
        Set<String> extensions = Arrays.stream(options.extensions() == null ? new String[0] : options.extensions())
                .map(e -> e.trim().toLowerCase(Locale.ROOT).replaceFirst("^\\.", ""))
                .filter(e -> !e.isEmpty()).collect(Collectors.toUnmodifiableSet());
        require(!extensions.isEmpty(), "extensions of snapshot folder " + id + " is empty: give e.g. jpg, jpeg, png");
        require(options.settleMillis() > 0, "settleMillis of snapshot folder " + id + " must be positive");
        require(options.abandonSeconds() > 0 && options.abandonSeconds() * 1000L >= options.settleMillis(),
                "abandonSeconds of snapshot folder " + id + " must be positive and no shorter than settleMillis");
        require(options.rescanSeconds() > 0, "rescanSeconds of snapshot folder " + id + " must be positive");
        AfterProcessing after;
        try {
            after = AfterProcessing.valueOf(String.valueOf(options.afterProcessing()).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SensorConfigurationException("afterProcessing '" + options.afterProcessing()
                    + "' of snapshot folder " + id + " must be keep, delete or move");
        }
        Optional<Path> done = path("doneDirectory", options.doneDirectory(), id);
        require(after != AfterProcessing.MOVE || done.isPresent(), "afterProcessing of snapshot folder " + id
                + " is move but no doneDirectory is set");
        Optional<Path> failed = path("failedDirectory", options.failedDirectory(), id);
        for (Optional<Path> other : java.util.List.of(done, failed)) {
            require(other.isEmpty() || !other.get().equals(directory), "the done and failed folders of snapshot "
                    + "folder " + id + " must differ from the watched folder " + directory);
        }
        Path state = path("stateFile", options.stateFile(), id).orElseGet(() -> (dataDir == null || dataDir.isBlank()
                ? Path.of("data") : Path.of(dataDir)).resolve("sensors").resolve(id + ".processed"))
                .toAbsolutePath().normalize();
        require(options.maxFileKib() > 0, "maxFileKib of snapshot folder " + id + " must be positive");
        return new FolderSettings(id, directory, extensions, Duration.ofMillis(options.settleMillis()),
                Duration.ofSeconds(options.abandonSeconds()), Duration.ofSeconds(options.rescanSeconds()), after, done,
                failed, state, options.maxFileKib() * 1024L);
    }

    private static Optional<Path> path(String option, String value, String id) throws SensorConfigurationException {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(value.trim()).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            throw new SensorConfigurationException(option + " '" + value + "' of snapshot folder " + id
                    + " is not a path: " + e.getReason());
        }
    }
}
