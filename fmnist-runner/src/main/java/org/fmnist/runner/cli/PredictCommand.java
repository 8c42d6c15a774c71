package org.fmnist.runner.cli;

import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.fmnist.captioning.CaptionGenerator;
import org.fmnist.captioning.Prediction;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.PictureConversion;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.BatchInference;
import org.fmnist.core.model.ModelSource;
import org.fmnist.core.model.NativeRows;
import org.fmnist.core.model.Network;
import org.fmnist.core.plugin.ExitCode;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.runner.Registry;
import org.fmnist.runner.folder.InferenceNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runner predict}: class, confidence and caption for pictures or test-set images. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        header = "Predicts the class of pictures or test images, with a caption.",
        description = {"Pictures (PNG, JPEG, GIF, BMP; any size) are made Fashion-MNIST-like: greyscale, garment light on "
                + "black (a light background is negated), trimmed, longest side scaled to 28, centred. One garment on a "
                + "plain background works best. test:N is the N-th test image.", "",
                "Example: ./runner predict --model runs/baseline/latest test:0 test:42",
                "         ./runner predict --model runs/baseline/latest --captioner bert photo.jpg"})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "A run folder (its model.zip is used), a model.zip, or a registry's model, e.g. MLflow's "
                    + "models:/NAME/VERSION or models:/NAME@ALIAS")
    String model;

    @Option(names = "--tracking-uri", paramLabel = "URL",
            description = "The server of a registry's model, e.g. MLflow's for models:/ (default: MLFLOW_TRACKING_URI, "
                    + "else the one ./runner ui runs)")
    URI trackingUri;

    @Option(names = "--captioner", defaultValue = "template", paramLabel = "NAME",
            description = "Caption generator: template or bert (default: ${DEFAULT-VALUE})")
    String captioner;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Picture files, or test:N for test image N (0-9999)")
    List<String> inputs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;
    private final Registry registry;
    private final Set<ModelSource> sources;
    private Split test;

    @Inject
    PredictCommand(Invocation invocation, Registry registry, Set<ModelSource> sources) {
        this.environment = invocation.environment();
        this.registry = registry;
        this.sources = sources;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CaptionGenerator generator = registry.captioner(captioner);
        Network net;
        Optional<ModelSource> source = sources.stream().filter(s -> s.accepts(model)).findFirst();
        if (source.isPresent()) {
            Path zip = Files.createTempFile("fmnist-model-", ".zip");
            try {
                source.get().fetch(model, trackingUri, environment, zip);
                net = InferenceNetwork.load(zip);
            } finally {
                Files.deleteIfExists(zip);
            }
        } else {
            Path zip = SavedRun.modelFile(Path.of(model));
            if (!Files.isRegularFile(zip)) {
                err.println("runner predict: no model at " + zip + ". Fix: give a run folder written with output.save_model: true,"
                        + " its model.zip, or models:/NAME/VERSION.");
                return ExitCode.BAD_INPUT;
            }
            net = SavedRun.network(Path.of(model));
        }
        int failed = 0;
        // The same inference path as evaluation and ensembles (Network.inference()), one image a batch.
        try (NativeRows features = new NativeRows(IdxFile.PIXELS); BatchInference inference = net.inference()) {
            for (String input : inputs) {
                Optional<float[]> image = image(input, err);
                if (image.isEmpty()) {
                    failed++;
                    continue;
                }
                float[] probabilities = new float[FashionClass.COUNT];
                inference.score(features.holding(image.get(), 1), probabilities, 0);
                Prediction p = new Prediction(image.get(), probabilities);
                out.printf("%s: %s (%.1f%%) - %s%n", input, p.predicted().displayName(), p.confidence() * 100,
                        generator.caption(p));
            }
        }
        out.flush();
        return failed == 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
    }

    /** The input as a Fashion-MNIST image, or empty after saying on {@code err} why it cannot be read. */
    private Optional<float[]> image(String input, PrintWriter err) {
        if (input.startsWith("test:")) {
            try {
                int index = Integer.parseInt(input.substring(5));
                Split split = testSet();
                if (index < 0 || index >= split.size()) {
                    throw new NumberFormatException();
                }
                return Optional.of(split.image(index));
            } catch (NumberFormatException e) {
                err.println(input + ": not a test image; write test:N with N from 0 to 9999");
                return Optional.empty();
            }
        }
        Path file = Path.of(input);
        try {
            if (!Files.isRegularFile(file)) {
                err.println(input + ": no such file");
                return Optional.empty();
            }
            BufferedImage picture = ImageIO.read(file.toFile());
            if (picture == null) {
                err.println(input + ": not a picture this runner can read (PNG, JPEG, GIF or BMP)");
                return Optional.empty();
            }
            return Optional.of(PictureConversion.toFashionMnist(picture));
        } catch (IOException | RuntimeException e) {
            err.println(input + ": cannot be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    private Split testSet() {
        if (test == null) {
            test = SavedRun.testSet(environment);
        }
        return test;
    }

}
