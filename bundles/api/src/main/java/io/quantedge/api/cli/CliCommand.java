package io.quantedge.api.cli;

import java.io.PrintStream;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@code quantedge} subcommand provided by a bundle ({@code quantedge inspect ...}, say). The
 * launcher starts the framework without the gateway's configuration, finds the command by its
 * {@link #NAME_PROPERTY} service property and calls {@link #execute}; {@code quantedge --help}
 * lists commands with their {@link #SUMMARY_PROPERTY}. The launcher calls through reflection (it
 * lives outside the framework), so the signature of {@code execute} is fixed.
 */
@ConsumerType
public interface CliCommand {

    /** Service property: the subcommand's name. */
    String NAME_PROPERTY = "quantedge.command";
    /** Service property: one line saying what the subcommand does. */
    String SUMMARY_PROPERTY = "quantedge.command.summary";

    /** Exit code for a command line that is wrong; the command has printed what is wrong. */
    int EXIT_USAGE = 2;

    /**
     * Runs the command with the arguments after its name; returns the process exit code. Handles
     * {@code --help} by printing a description of every option.
     */
    int execute(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
