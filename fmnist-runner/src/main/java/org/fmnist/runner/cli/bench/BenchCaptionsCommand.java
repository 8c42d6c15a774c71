package org.fmnist.runner.cli.bench;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fmnist.captioning.BertCaptioner;
import org.fmnist.captioning.BgeSmallEmbedder;
import org.fmnist.captioning.CaptionGenerator;
import org.fmnist.captioning.Prediction;
import org.fmnist.captioning.RunCaptions;
import org.fmnist.captioning.TemplateCaptioner;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Predictions;
import org.fmnist.core.eval.Predictor;
import org.fmnist.core.model.Network;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.runner.cli.SavedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code runner bench-captions}: captions per second for each generator, and BGE's load time. */
@Command(name = "bench-captions", mixinStandardHelpOptions = true,
        header = "Measures the caption generators' speed on real test predictions.",
        description = {"The BGE model's load time and captions per second, for each generator.", "",
                "Example: ./runner bench-captions --model runs/baseline/latest"})
public final class BenchCaptionsCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "RUN_OR_MODEL", description = "Run folder or model.zip whose test predictions are captioned")
    Path model;

    @Option(names = "--images", defaultValue = "10000", description = "Test images to caption (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed passes; the median is reported (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table as Markdown to FILE")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    @Inject
    BenchCaptionsCommand(Invocation invocation) {
        this.environment = invocation.environment();
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        Network net = SavedRun.network(model);
        Split test = SavedRun.testSet(environment).head(images);
        Predictions p = Predictor.predict(net, test);
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            predictions.add(RunCaptions.prediction(test, p, i));
        }

        BgeSmallEmbedder embedder = new BgeSmallEmbedder();
        long load = embedder.loadMillis();
        BertCaptioner bert = new BertCaptioner(embedder);
        bert.caption(predictions.get(0)); // embeds the caption bank once, as a run does
        double template = perSecond(new TemplateCaptioner(), predictions);
        double bertWarm = perSecond(bert, predictions);
        int fresh = Math.min(500, predictions.size());
        long start = System.nanoTime();
        for (int i = 0; i < fresh; i++) {
            embedder.embedFresh("query " + i + " " + predictions.get(i).predicted().displayName());
        }
        double embedPerSecond = fresh / ((System.nanoTime() - start) / 1e9);

        String table = String.format(Locale.ROOT, """
                | measure | value |
                |---|---:|
                | BGE-small load time | %d ms |
                | template captions/s | %,.0f |
                | bert captions/s (run as the runner runs it: repeated queries looked up) | %,.0f |
                | BGE sentence embeddings/s (every sentence new; bert's worst case) | %,.0f |
                | images captioned per pass | %,d |
                """, load, template, bertWarm, embedPerSecond, predictions.size());
        console.print(table);
        console.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        if (out != null) {
            Files.writeString(out, "# Caption generator benchmark\n\n```\n./runner bench-captions --model " + model + " --images "
                    + images + " --repeats " + repeats + "\n```\n\n" + table + "\nMachine: "
                    + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + ".\n");
        }
        console.flush();
        return ExitCode.OK;
    }

    /** Median captions per second over the repeats. */
    private double perSecond(CaptionGenerator generator, List<Prediction> predictions) {
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            int chars = 0;
            for (Prediction prediction : predictions) {
                chars += generator.caption(prediction).length();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (chars == 0) {
                throw new IllegalStateException("no captions were produced");
            }
            rates.add(predictions.size() / seconds);
        }
        rates.sort(Double::compare);
        return rates.get(rates.size() / 2);
    }
}
