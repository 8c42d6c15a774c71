package org.fmnist.runner.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.onnx.OnnxExport;
import org.fmnist.runner.folder.FinishedRun;
import org.fmnist.runner.folder.RunFolder;
import org.fmnist.runner.folder.RunOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runner export}: a finished run's model as {@code model.onnx} in its folder, for any ONNX runtime. */
@Command(name = "export", mixinStandardHelpOptions = true,
        header = "Writes finished runs' models as ONNX (model.onnx in each run folder).",
        description = {"Every run writes model.onnx when it finishes; this writes it for runs made before, or again. "
                + "Input 'image', float32 [N, 1, 28, 28], pixels scaled to [0, 1]; output 'probabilities', [N, 10], "
                + "in label order; opset " + OnnxExport.OPSET + ".", "",
                "Example: ./runner export runs/baseline/latest",
                "         python3 -c \"import onnxruntime as ort; print(ort.InferenceSession('runs/baseline/latest/model.onnx')"
                        + ".get_inputs()[0].shape)\""})
final class ExportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run folders with a model.zip, or folders of them (a sweep's)")
    List<Path> runs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int refused = 0;
        for (FinishedRun run : FinishedRun.in(runs)) {
            Optional<String> refusal = RunOutputs.writeOnnx(RunFolder.existing(run.folder()), run.network(), run.spec().model().type());
            if (refusal.isPresent()) {
                err.println("runner export: " + run.folder() + ": " + refusal.get());
                refused++;
            } else {
                out.println(run.folder().resolve(RunOutputs.MODEL_ONNX));
            }
        }
        return refused == 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
    }
}
