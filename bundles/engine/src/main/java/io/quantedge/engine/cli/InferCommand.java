package io.quantedge.engine.cli;

import io.quantedge.api.cli.CliCommand;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.npy.NpyFile;
import io.quantedge.engine.npy.NpyFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code quantedge infer}: one inference from .npy inputs to .npy outputs. */
@Component(service = CliCommand.class, property = {
    CliCommand.NAME_PROPERTY + "=infer",
    CliCommand.SUMMARY_PROPERTY + "=run a model once on .npy inputs, write .npy outputs"
})
public final class InferCommand implements CliCommand {

    private final InferenceEngine engine;

    @Activate
    public InferCommand(@Reference InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public int execute(List<String> args, PrintStream out, PrintStream err) {
        InferOptions options;
        try {
            options = InferOptions.parse(args);
        } catch (CommandLineException e) {
            err.println("quantedge infer: " + e.getMessage());
            err.print(InferOptions.USAGE);
            return ExitCodes.USAGE;
        }
        if (options.help()) {
            out.print(InferOptions.USAGE);
            return ExitCodes.OK;
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, Path> input : options.inputs().entrySet()) {
            try {
                inputs.put(input.getKey(), NpyFile.read(input.getValue()));
            } catch (IOException | NpyFormatException e) {
                err.println("quantedge infer: input '" + input.getKey() + "': " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
        try (Model model = engine.load(options.model())) {
            Map<String, Tensor> outputs = model.run(inputs);
            Files.createDirectories(options.outputDir());
            for (Map.Entry<String, Tensor> output : outputs.entrySet()) {
                Path file = options.outputDir().resolve(fileName(output.getKey()) + ".npy");
                NpyFile.write(file, output.getValue());
                out.println(output.getKey() + ": " + output.getValue().type() + output.getValue().shape() + " -> " + file);
            }
            return ExitCodes.OK;
        } catch (ModelLoadException e) {
            err.println("quantedge infer: " + options.model() + ": " + e.getMessage());
            return ExitCodes.MODEL_NOT_LOADED;
        } catch (InferenceException e) {
            err.println("quantedge infer: " + e.getMessage());
            return e.code() == InferenceException.Code.BAD_INPUT ? ExitCodes.BAD_INPUT : ExitCodes.FAILED;
        } catch (IOException e) {
            err.println("quantedge infer: writing outputs failed: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    static String fileName(String outputName) {
        return outputName.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
