package org.fmnist.runner.folder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.fmnist.core.data.FashionMnist;
import org.fmnist.core.data.Split;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.model.Network;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecLoader;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.runner.experiment.RunPreparation;

/**
 * A finished run with its model, read back from its folder for {@code ensemble} and {@code score}:
 * the folder, its resolved spec, its provenance and the ids its trackers gave it.
 */
public record FinishedRun(Path folder, ResolvedSpec resolved, Provenance provenance, Map<String, String> trackedRunIds) {

    public ExperimentSpec spec() {
        return resolved.spec();
    }

    /**
     * The model the run saved, ready to score.
     *
     * @throws SpecException when its model.zip cannot be read
     */
    public Network network() {
        Path model = folder.resolve("model.zip");
        try {
            return InferenceNetwork.load(model);
        } catch (IOException | RuntimeException e) {
            // DL4J reports a damaged file as one of several exceptions; every one means the same to a user.
            throw new SpecException(new SpecProblem(model.toString(), "", "cannot be read as a model (" + e.getMessage() + ")",
                    "train the run again ('runner rerun " + folder + "'), or leave it out"));
        }
    }

    /**
     * The Fashion-MNIST files this run's spec finds, checked against the MD5s it was trained and
     * tested on.
     *
     * @throws SpecException when the files found differ from the run's
     */
    public FashionMnist data(Map<String, String> environment) {
        FashionMnist data = RunPreparation.locator(spec().data(), environment).load();
        if (!data.source().md5().equals(provenance.dataMd5())) {
            throw new SpecException(new SpecProblem(data.source().directory().toString(), "",
                    "holds other data (MD5s " + data.source().md5() + ") than " + folder + " was trained and tested on ("
                            + provenance.dataMd5() + ")",
                    "point data.dir or FMNIST_DATA at the files the run used"));
        }
        return data;
    }

    /** The test images the run was scored on ({@code data.test_limit} of them, or all). */
    public Split test(FashionMnist data) {
        return RunPreparation.testImages(spec().data(), data);
    }

    /**
     * The training images the run held out to validate on, drawn again from its seed exactly as the
     * run drew them.
     *
     * @throws SpecException when the run held none out ({@code training.validation_split: 0})
     */
    public Split validation(FashionMnist data) {
        requireValidation();
        return RunPreparation.trainAndValidation(spec(), data)[1];
    }

    /** @throws SpecException when the run held out no validation images ({@code training.validation_split: 0}) */
    public void requireValidation() {
        if (!RunPreparation.holdsOutValidation(spec())) {
            throw new SpecException(new SpecProblem(folder.toString(), "training.validation_split",
                    "is 0: the run held out no validation images to score on",
                    "score runs trained with a validation split, e.g. training.validation_split=0.1"));
        }
    }

    /**
     * The finished runs that {@code runs} name: each a run folder, or a folder of run folders (a sweep's
     * folder stands for its points).
     *
     * @throws SpecException when a path is neither, or a run has no model.zip and metrics.json
     */
    public static List<FinishedRun> in(List<Path> runs) throws IOException {
        // Each run as the folder it is, once: runs/NAME/latest moves on with the next run, and a run
        // named twice (itself and in its sweep's folder) is still one member.
        Set<Path> folders = new LinkedHashSet<>();
        for (Path run : runs) {
            if (isRunFolder(run)) {
                folders.add(run.toRealPath());
                continue;
            }
            List<Path> inside = Files.isDirectory(run) ? runFoldersIn(run) : List.of();
            if (inside.isEmpty()) {
                throw new SpecException(new SpecProblem(run.toString(), "", "is not a run folder, nor a folder of them",
                        "give run folders (e.g. runs/cnn/latest) or a sweep's folder"));
            }
            for (Path folder : inside) {
                folders.add(folder.toRealPath());
            }
        }
        SpecLoader loader = new SpecLoader();
        ObjectMapper json = JsonMapperFactory.create();
        List<FinishedRun> finished = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isRegularFile(folder.resolve("model.zip")) || !Files.isRegularFile(folder.resolve("metrics.json"))) {
                throw new SpecException(new SpecProblem(folder.toString(), "",
                        "has no model.zip and metrics.json: the run is unfinished or ran with output.save_model: false",
                        "finish it with 'runner resume " + folder + "', or rerun it with output.save_model: true"));
            }
            ResolvedSpec resolved = loader.load(folder.resolve("spec.yaml"), List.of(), Map.of());
            Path ids = folder.resolve(RunFolder.TRACKED_RUN_IDS);
            Path provenance = folder.resolve("provenance.json");
            try {
                Map<String, String> trackedRunIds = Files.isRegularFile(ids)
                        ? json.readValue(ids.toFile(), new TypeReference<Map<String, String>>() {}) : Map.of();
                finished.add(new FinishedRun(folder, resolved, Provenance.read(provenance), trackedRunIds));
            } catch (JsonProcessingException e) {
                throw new SpecException(new SpecProblem(folder.toString(), "", "has a damaged " + provenance.getFileName()
                        + " or " + ids.getFileName() + " (" + e.getOriginalMessage() + ")",
                        "restore the file from a copy, or leave the run out"));
            }
        }
        return finished;
    }

    private static boolean isRunFolder(Path folder) {
        return Files.isRegularFile(folder.resolve("spec.yaml")) && Files.isRegularFile(folder.resolve("provenance.json"));
    }

    /**
     * The finished runs that {@code runs} name, checked to average into one ensemble: two or more, made
     * from the same Fashion-MNIST files and tested on the same images.
     *
     * @throws SpecException when there are fewer than two, or they differ in their data or test images
     */
    public static List<FinishedRun> ensembleMembers(List<Path> runs) throws IOException {
        List<FinishedRun> members = in(runs);
        if (members.size() < 2) {
            throw new SpecException(new SpecProblem(String.join(" ", runs.stream().map(Path::toString).toList()), "",
                    "names " + members.size() + " run; an ensemble needs at least two", "give two or more run folders"));
        }
        FinishedRun first = members.get(0);
        for (FinishedRun m : members.subList(1, members.size())) {
            if (!m.provenance().dataMd5().equals(first.provenance().dataMd5())) {
                throw new SpecException(new SpecProblem(m.folder().toString(), "",
                        "was trained and tested on other data than " + first.folder() + " (MD5s " + m.provenance().dataMd5()
                                + " against " + first.provenance().dataMd5() + ")",
                        "ensemble only runs made from the same Fashion-MNIST files"));
            }
            if (m.spec().data().testLimit() != first.spec().data().testLimit()) {
                throw new SpecException(new SpecProblem(m.folder().toString(), "data.test_limit",
                        "is " + m.spec().data().testLimit() + " but " + first.spec().data().testLimit() + " in " + first.folder(),
                        "ensemble only runs tested on the same images"));
            }
        }
        return members;
    }

    /**
     * Refuses ensemble members that did not all hold out the same validation images: an ensemble can
     * be validated only on images none of its members trained on. Runs of one seed,
     * {@code data.train_limit} and {@code training.validation_split} hold out the same ones.
     *
     * @param members runs from {@link #ensembleMembers}, each of which {@link #requireValidation holds some out}
     * @param data their Fashion-MNIST files
     * @throws SpecException naming the first run whose validation images differ from the first member's
     */
    public static void requireSameValidation(List<FinishedRun> members, FashionMnist data) {
        FinishedRun first = members.get(0);
        Split reference = first.validation(data);
        for (FinishedRun m : members.subList(1, members.size())) {
            Split own = m.validation(data);
            if (!Arrays.equals(own.labels(), reference.labels()) || !Arrays.equals(own.pixels(), reference.pixels())) {
                throw new SpecException(new SpecProblem(m.folder().toString(), "",
                        "held out other validation images than " + first.folder() + " (seed " + m.spec().seed() + " against "
                                + first.spec().seed() + ", validation_split " + m.spec().training().validationSplit() + " against "
                                + first.spec().training().validationSplit() + ", train_limit " + m.spec().data().trainLimit()
                                + " against " + first.spec().data().trainLimit() + "), so one member trained on images another validates on",
                        "score together only runs trained with the same seed, data.train_limit and training.validation_split"));
            }
        }
    }

    private static List<Path> runFoldersIn(Path folder) throws IOException {
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(RunFolder::isRun).filter(FinishedRun::isRunFolder).sorted().toList();
        }
    }
}
