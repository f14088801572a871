package io.quantedge.sensor.folder;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "QuantEdge snapshot folder",
        description = "A folder where cameras drop JPEG or PNG snapshots (FTP upload, say). One factory configuration "
                + "per folder; each is a sensor a pipeline selects by its id.")
public @interface SnapshotFolderOptions {

    @AttributeDefinition(name = "Sensor id", description = "The id pipelines select this folder by "
            + "(service property quantedge.sensor.id): letters, digits, '.', '_' and '-'.")
    String quantedge_sensor_id();

    @AttributeDefinition(name = "Folder", description = "The watched folder; created if missing.")
    String directory();

    @AttributeDefinition(name = "Image extensions", description = "Files with other extensions are reported once "
            + "and left alone. Names starting with '.' or ending in .tmp, .part, .filepart or ~ are uploads under "
            + "way and are not looked at.")
    String[] extensions() default {"jpg", "jpeg", "png"};

    @AttributeDefinition(name = "Settle time, ms", description = "A file still being written is taken when its "
            + "size has not changed for this long and it ends like a whole image. A file that appears whole at "
            + "once (renamed into the folder) is taken at once.", min = "1")
    int settleMillis() default 1000;

    @AttributeDefinition(name = "Give up on an unfinished file after, s", description = "A file that has not "
            + "grown for this long and still lacks its end marker is reported as bad.", min = "1")
    int abandonSeconds() default 60;

    @AttributeDefinition(name = "Rescan every, s", description = "A full listing of the folder besides the "
            + "change notifications, for file systems that do not send them (network mounts).", min = "1")
    int rescanSeconds() default 5;

    @AttributeDefinition(name = "After processing", options = {
        @Option(value = "keep", label = "keep the file, remember it in the state file"),
        @Option(value = "delete", label = "delete the file"),
        @Option(value = "move", label = "move the file to the done folder")})
    String afterProcessing() default "keep";

    @AttributeDefinition(name = "Done folder", description = "Where processed files go when afterProcessing is "
            + "move; created if missing.")
    String doneDirectory() default "";

    @AttributeDefinition(name = "Failed folder", description = "Where bad files (not a readable image, cut "
            + "short, too large) go; empty to leave them in place, reported once.")
    String failedDirectory() default "";

    @AttributeDefinition(name = "State file", description = "Which files were processed, kept across restarts; "
            + "empty for ${quantedge.data.dir}/sensors/{sensor id}.processed.")
    String stateFile() default "";

    @AttributeDefinition(name = "Largest file, KiB", description = "Larger files are reported as bad, not read.",
            min = "1")
    int maxFileKib() default 16384;
}
