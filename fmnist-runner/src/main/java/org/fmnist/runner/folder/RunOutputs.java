package org.fmnist.runner.folder;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fmnist.captioning.CaptionConsistency;
import org.fmnist.captioning.CaptionGenerator;
import org.fmnist.captioning.RunCaptions;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Evaluation;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.plot.ConfusionMatrixChart;
import org.fmnist.core.plot.SampleGrid;
import org.fmnist.core.plot.TrainingCurves;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.tracking.TrackedValues;
import org.fmnist.core.train.EpochMetrics;
import org.fmnist.core.train.Trainer;
import org.fmnist.onnx.OnnxExport;
import org.fmnist.onnx.UnsupportedLayerException;
import org.fmnist.runner.sweep.SweepTable;

/**
 * Writes what a finished run leaves in its folder: the reports, the confusion matrix, the pictures,
 * the model and {@code metrics.json}, whose {@code summary} is what a sweep reads back to compare
 * points wherever they ran.
 */
public final class RunOutputs {
    /** The key of {@code metrics.json} holding the run's flat final metrics. */
    public static final String SUMMARY = "summary";
    /** The run's model for any ONNX runtime ({@link OnnxExport}); model.zip stays fmnist's own. */
    public static final String MODEL_ONNX = "model.onnx";
    /** Beside {@value #MODEL_ONNX}: the first test image as the model takes it ({@link #inputExample}). */
    public static final String INPUT_EXAMPLE = "input-example.json";
    /** Configured once and shared: Jackson's mappers are thread-safe once configured. */
    private static final ObjectMapper JSON = JsonMapperFactory.create();

    /**
     * Everything a run's outputs are made from.
     *
     * @param viewMetrics with test-time views, the scores without them and on validation with them
     * @param dataUsed a sentence saying which images the run trained, validated and tested on ({@link RunReport#dataUsed})
     */
    public record Finished(ExperimentSpec spec, Network net, List<EpochMetrics> history, Integer keptEpoch,
                    Evaluation evaluation, Map<String, Double> viewMetrics, Split test, Map<String, CaptionGenerator> generators,
                    Map<String, CaptionConsistency.Result> captioning, double trainSeconds, String dataUsed) {}

    /**
     * Writes the finished run's files; returns what could not be written and why, for the run to say
     * (today: an ONNX export of a network with a layer it has no translation for; model.zip is kept).
     */
    public List<String> write(RunFolder folder, Finished run, double wallSeconds) throws Exception {
        List<String> notWritten = new ArrayList<>();
        ExperimentSpec spec = run.spec();
        Evaluation evaluation = run.evaluation();
        String title = spec.name() + " (" + spec.model().type() + ")";
        writeEvaluation(folder, spec.name(), title, evaluation, run.dataUsed(), run.test(), spec.output().samples(), spec.seed(),
                run.generators());
        folder.writePng("training-curves.png", TrainingCurves.render(run.history(),
                run.keptEpoch() == null ? 0 : run.keptEpoch(), title));
        if (spec.output().saveModel()) {
            folder.write("model.zip", tmp -> run.net().save(tmp, true));
            Optional<String> refusal = writeOnnx(folder, run.net(), spec.model().type());
            if (refusal.isPresent()) {
                notWritten.add(MODEL_ONNX + " not written: " + refusal.get());
            } else if (run.test().size() > 0) {
                folder.writeBytes(INPUT_EXAMPLE, JSON.writeValueAsBytes(inputExample(run.test().image(0))));
            }
        }
        Map<String, Object> metrics = RunReport.metrics(spec.name(), spec.model().type(), run.net().numParams(),
                run.history(), run.keptEpoch(), evaluation, run.captioning(), run.trainSeconds(), wallSeconds);
        metrics.put(SUMMARY, summary(run));
        folder.writeBytes("metrics.json", JSON.writeValueAsBytes(metrics));
        return notWritten;
    }

    /** The metrics of every epoch a finished run trained, from its {@code metrics.json}. */
    public static List<EpochMetrics> epochs(Path runFolder) throws IOException {
        return epochs(JSON.readTree(runFolder.resolve("metrics.json").toFile()));
    }

    /** The metrics of every epoch in a {@code metrics.json} already read. */
    public static List<EpochMetrics> epochs(JsonNode metricsJson) {
        return JSON.convertValue(metricsJson.get("epochs"), new TypeReference<List<EpochMetrics>>() {});
    }

    /**
     * Writes {@code net} as {@value #MODEL_ONNX} in {@code folder} (in one step, as every file of the folder);
     * returns why not, naming the model and the layer, when a layer has no ONNX translation.
     */
    public static Optional<String> writeOnnx(RunFolder folder, Network net, String modelType) {
        try {
            folder.write(MODEL_ONNX, tmp -> OnnxExport.write(net, modelType, tmp));
            return Optional.empty();
        } catch (UnsupportedLayerException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * One image as {@value #MODEL_ONNX} takes it, {@code [1, 1, 28, 28]} in [0, 1]: what a first call to any
     * runtime sends, and the input example of the run's MLflow model.
     */
    public static float[][][][] inputExample(float[] image) {
        float[][][][] example = new float[1][1][IdxFile.SIDE][IdxFile.SIDE];
        for (int y = 0; y < IdxFile.SIDE; y++) {
            System.arraycopy(image, y * IdxFile.SIDE, example[0][0][y], 0, IdxFile.SIDE);
        }
        return example;
    }

    /**
     * The files that show an evaluation on the test set: the reports, the confusion matrix and, with
     * {@code samples > 0}, a grid of sample predictions captioned by the first of {@code generators}.
     */
    public void writeEvaluation(RunFolder folder, String name, String title, Evaluation evaluation, String dataUsed, Split test,
                         int samples, long seed, Map<String, CaptionGenerator> generators) throws Exception {
        folder.writeText("report.md", RunReport.markdown(name, evaluation, dataUsed));
        folder.writeBytes("report.json", JSON.writeValueAsBytes(RunReport.report(evaluation.report())));
        folder.writeText("confusion-matrix.csv", RunReport.confusionCsv(evaluation.confusion()));
        folder.writePng("confusion-matrix.png", ConfusionMatrixChart.render(evaluation.confusion(),
                String.format("%s: test accuracy %.4f", title, evaluation.accuracy())));
        if (samples > 0) {
            List<Integer> chosen = SampleGrid.choose(evaluation.predictions(), samples, seed);
            List<String> captions = new ArrayList<>();
            String captioner = generators.isEmpty() ? null : generators.keySet().iterator().next();
            if (captioner != null) {
                for (int i : chosen) {
                    captions.add(generators.get(captioner).caption(RunCaptions.prediction(test, evaluation.predictions(), i)));
                }
            }
            folder.writePng("samples.png", SampleGrid.render(test, evaluation.predictions(), chosen, captions,
                    title + ": sample test predictions (green right, red wrong)"
                            + (captioner == null ? "" : ", " + captioner + " captions")));
        }
    }

    /**
     * The run's final numbers under the names the trackers use: the kept epoch's validation loss and
     * accuracy (when images were held out), every test metric and the mean seconds per epoch.
     */
    static Map<String, Double> summary(Finished run) {
        Map<String, Double> summary = new LinkedHashMap<>();
        int kept = Trainer.bestEpoch(run.history());
        run.history().stream().filter(m -> m.evalSplit().equals("validation")).filter(m -> m.epoch() == kept)
                .findFirst().ifPresent(m -> {
                    summary.put("val_accuracy", m.evalAccuracy());
                    summary.put("val_loss", m.evalLoss());
                });
        summary.putAll(TrackedValues.test(run.evaluation(), false, run.trainSeconds()));
        summary.putAll(run.viewMetrics());
        summary.put(SweepTable.SECONDS_PER_EPOCH, run.trainSeconds() / run.history().size());
        return summary;
    }
}
