package org.fmnist.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.model.Network;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saves training after every epoch, and restores it: the network's weights, its optimizer state
 * and step counters, and the {@link TrainingState}. Each save fills a fresh folder {@code epoch-N};
 * only once it is complete does the file {@code latest} name it, so a process killed at any instant
 * leaves the previous checkpoint whole. Older epochs are then deleted.
 */
public final class EpochCheckpoint implements TrainingListener {
    private static final String LATEST = "latest";
    private static final ObjectMapper JSON = JsonMapperFactory.create();

    private final Path dir;

    /** @param dir the folder that holds the checkpoints, created when needed */
    public EpochCheckpoint(Path dir) {
        this.dir = dir;
    }

    /** What is saved beside the arrays. */
    private record Saved(int epoch, int iterationCount, int epochCount, double bestLoss, int sinceBest,
                         List<EpochMetrics> history) {}

    @Override
    public void onEpochState(Network net, TrainingState state) {
        try {
            save(net, state);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save the checkpoint of epoch " + state.epochsDone() + " in " + dir
                    + ": " + e.getMessage() + ". Fix: free disk space; the previous epoch's checkpoint is kept.", e);
        }
    }

    void save(Network net, TrainingState state) throws IOException {
        String name = "epoch-" + state.epochsDone();
        Path tmp = dir.resolve("." + name + ".tmp");
        FileUtils.deleteDirectory(tmp.toFile());
        Files.createDirectories(tmp);
        Nd4j.saveBinary(net.params(), tmp.resolve("params.bin").toFile());
        INDArray updaterState = net.updaterState();
        if (updaterState != null) {
            Nd4j.saveBinary(updaterState, tmp.resolve("updater.bin").toFile());
        }
        if (state.bestParams() != null) {
            Nd4j.saveBinary(state.bestParams(), tmp.resolve("best-params.bin").toFile());
        }
        JSON.writeValue(tmp.resolve("state.json").toFile(), new Saved(state.epochsDone(), net.iterationCount(),
                net.epochCount(), state.bestLoss(), state.sinceBest(), state.history()));
        Path target = dir.resolve(name);
        FileUtils.deleteDirectory(target.toFile());
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Path latestTmp = dir.resolve("." + LATEST + ".tmp");
        Files.writeString(latestTmp, name, StandardCharsets.UTF_8);
        Files.move(latestTmp, dir.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.filter(p -> p.getFileName().toString().startsWith("epoch-") && !p.equals(target)).toList()) {
                FileUtils.deleteDirectory(p.toFile());
            }
        }
    }

    /** The epoch of the last complete checkpoint in {@code dir}, if there is one. */
    public static Optional<Integer> latestEpoch(Path dir) throws IOException {
        return latestSaved(dir).map(Saved::epoch);
    }

    /** The metrics of every epoch up to the last complete checkpoint in {@code dir}; empty when there is none. */
    public static List<EpochMetrics> history(Path dir) throws IOException {
        return latestSaved(dir).map(Saved::history).orElse(List.of());
    }

    private static Optional<Saved> latestSaved(Path dir) throws IOException {
        Path latest = dir.resolve(LATEST);
        if (!Files.isRegularFile(latest)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(dir.resolve(Files.readString(latest).trim()).resolve("state.json").toFile(),
                Saved.class));
    }

    /**
     * Puts the last complete checkpoint's weights, optimizer state and counters into {@code net}, which
     * must have the architecture and optimizer it was saved from, and returns its training state.
     *
     * @return empty when {@code dir} holds no complete checkpoint
     */
    public static Optional<TrainingState> restore(Path dir, Network net) throws IOException {
        Path latest = dir.resolve(LATEST);
        if (!Files.isRegularFile(latest)) {
            return Optional.empty();
        }
        Path saved = dir.resolve(Files.readString(latest).trim());
        Saved s = JSON.readValue(saved.resolve("state.json").toFile(), Saved.class);
        INDArray params = Nd4j.readBinary(saved.resolve("params.bin").toFile());
        if (params.length() != net.numParams()) {
            throw new IOException("the checkpoint in " + saved + " holds " + params.length() + " weights but the network has "
                    + net.numParams() + "; it was saved from another model");
        }
        net.setParams(params);
        Path updaterFile = saved.resolve("updater.bin");
        if (Files.isRegularFile(updaterFile)) {
            net.setUpdaterState(Nd4j.readBinary(updaterFile.toFile()));
        }
        net.setCounts(s.iterationCount(), s.epochCount());
        Path best = saved.resolve("best-params.bin");
        INDArray bestParams = Files.isRegularFile(best) ? Nd4j.readBinary(best.toFile()) : null;
        return Optional.of(new TrainingState(s.history(), bestParams, s.bestLoss(), s.sinceBest()));
    }

    /** Removes {@code dir} and every checkpoint in it, once they are no longer needed. */
    public static void delete(Path dir) throws IOException {
        FileUtils.deleteDirectory(dir.toFile());
    }
}
