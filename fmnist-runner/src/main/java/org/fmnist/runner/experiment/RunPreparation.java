package org.fmnist.runner.experiment;

import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.Split;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.ModelParameters;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.DataSpec;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.train.Trainer;
import org.fmnist.runner.NativeMemoryGuard;
import org.fmnist.runner.Registry;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Turns a resolved spec into a {@link PreparedRun}: looks up and binds every plugin the spec names
 * (so a bad name fails before any data loads), sets the thread budget, then finds, verifies and
 * splits the data. The order matters: the native memory guard is chosen before ND4J first loads.
 */
public final class RunPreparation {
    private final Registry registry;
    private final Invocation invocation;
    private final NativeMemoryGuard memoryGuard;
    private final SpecMapper mapper = new SpecMapper();

    @Inject
    RunPreparation(Registry registry, Invocation invocation, NativeMemoryGuard memoryGuard) {
        this.registry = registry;
        this.invocation = invocation;
        this.memoryGuard = memoryGuard;
    }

    public PreparedRun prepare(ResolvedSpec resolved) {
        ExperimentSpec spec = resolved.spec();
        ModelFactory<?> factory = registry.model(resolved);
        Record parameters = ModelParameters.bind(factory, resolved, mapper);
        Augmentation augmentation = registry.augmentation(resolved);
        memoryGuard.chooseFor(List.of(factory));
        int threads = spec.training().threads() > 0 ? spec.training().threads() : factory.preferredThreads();
        useThreads(threads);

        FashionMnist data = locator(spec.data(), invocation.environment()).load();
        Split test = testImages(spec.data(), data);
        // Without a validation fraction, the test set is also the split measured after each epoch.
        Split[] trainAndEval = holdsOutValidation(spec) ? trainAndValidation(spec, data)
                : new Split[] {trainImages(spec.data(), data), test};
        return new PreparedRun(resolved, factory, parameters, augmentation, threads, data.source(), trainAndEval[0],
                trainAndEval[1], test);
    }

    /** The test images a spec scores on: the first {@code data.test_limit} of them, or all. */
    public static Split testImages(DataSpec d, FashionMnist data) {
        return data.test().head(limit(d.testLimit(), data.test().size()));
    }

    /** Whether {@code spec} holds validation images out of its training images. */
    public static boolean holdsOutValidation(ExperimentSpec spec) {
        return spec.training().validationSplit() > 0;
    }

    /** The training images a spec draws from: the first {@code data.train_limit} of them, or all. */
    private static Split trainImages(DataSpec d, FashionMnist data) {
        return data.train().head(limit(d.trainLimit(), data.train().size()));
    }

    /** {train, validation} for a spec that {@link #holdsOutValidation}, after {@code data.train_limit} (see {@link #holdOut}). */
    public static Split[] trainAndValidation(ExperimentSpec spec, FashionMnist data) {
        return holdOut(trainImages(spec.data(), data), spec.training().validationSplit(), spec.seed());
    }

    /** The data search a spec's {@code data} section asks for, in {@code environment}. */
    public static DataLocator locator(DataSpec d, Map<String, String> environment) {
        Path cache = d.cache() != null ? Path.of(d.cache()) : DataLocator.defaultCache(environment);
        Optional<URI> mirror = d.download() ? Optional.of(URI.create(d.mirror())) : Optional.empty();
        return DataLocator.standard(d.dir() == null ? null : Path.of(d.dir()), cache, mirror, environment);
    }

    /** Limits both ND4J's own threads and OpenBLAS's for this process. */
    public static void useThreads(int threads) {
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        // libnd4j's OpenMP team otherwise stays as large as the machine, whatever the settings above say.
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    }

    private static int limit(int requested, int available) {
        return requested == 0 ? available : Math.min(requested, available);
    }

    /** {train, validation}: a seeded slice of {@code fraction} of the training images held out, the rest kept. */
    static Split[] holdOut(Split train, double fraction, long seed) {
        int[] order = Trainer.permutation(train.size(), new Random(seed ^ 0x5DEECE66DL));
        int held = (int) Math.round(train.size() * fraction);
        int[] validation = Arrays.copyOfRange(order, 0, held);
        int[] rest = Arrays.copyOfRange(order, held, order.length);
        Arrays.sort(validation);
        Arrays.sort(rest);
        return new Split[] {train.select("train", rest), train.select("validation", validation)};
    }
}
