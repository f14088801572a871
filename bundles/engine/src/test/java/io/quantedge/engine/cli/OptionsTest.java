package io.quantedge.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void inferTakesNamedInputsAndAnOutputFolder() throws Exception {
        InferOptions o = InferOptions.parse(List.of("--model", "m.onnx", "--input", "input=a.npy",
                "--input", "mask=b.npy", "--output", "out"));
        assertEquals(Path.of("m.onnx"), o.model());
        assertEquals(Path.of("b.npy"), o.inputs().get("mask"));
        assertEquals(Path.of("out"), o.outputDir());
    }

    @Test
    void mistakesSayWhatIsWrong() {
        assertEquals("--input takes NAME=FILE.npy, got 'a.npy'", assertThrows(CommandLineException.class,
                () -> InferOptions.parse(List.of("--model", "m", "--input", "a.npy", "--output", "o"))).getMessage());
        assertEquals("input 'x' is given twice", assertThrows(CommandLineException.class,
                () -> InferOptions.parse(List.of("--input", "x=a", "--input", "x=b"))).getMessage());
        assertEquals("--model needs a value",
                assertThrows(CommandLineException.class, () -> InspectOptions.parse(List.of("--model"))).getMessage());
        assertEquals("--model FILE is required",
                assertThrows(CommandLineException.class, () -> InspectOptions.parse(List.of())).getMessage());
    }

    @Test
    void helpDescribesEveryOptionAndTheExitCodes() {
        for (String option : List.of("--model", "--input", "--output", "--help", "Exit codes")) {
            assertTrue(InferOptions.USAGE.contains(option), option);
        }
        assertTrue(InspectOptions.USAGE.contains("--model FILE"));
        assertEquals("a_b_c.d-e", InferCommand.fileName("a/b:c.d-e"));
    }
}
