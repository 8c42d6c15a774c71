package org.fmnist.runner.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.spec.ExperimentSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.core.spec.SpecValidator;

/**
 * One run, described completely enough to execute anywhere the data and the jars are: the resolved
 * spec (every key, so the spec file need not travel), how it came about, where its outputs go and
 * how it is recorded. A sweep point is a job; {@code runner job FILE} executes one, and the local
 * sweep executor runs the same jobs in its own process. Serialised as {@code job.json}.
 *
 * @param spec the resolved spec, every key, as the spec's own YAML keys
 * @param specFile the spec file the spec was resolved from, for provenance and MLflow's source tag
 * @param overrides the {@code KEY=VALUE} layers on top of that file, a sweep point's values last
 * @param environment the {@code FMNIST_*} variables that set keys
 * @param sources for every dotted key, the layer it came from (for error messages)
 * @param command the runner arguments that started this run, saved in {@code command.txt}
 * @param runDir the run folder to write; null: a new dated folder under {@code output.dir}
 * @param resume whether {@code runDir} is an interrupted run to continue from its last checkpoint
 * @param parentRunIds by tracker name, the id of the sweep run this run belongs to; empty for a run of its own
 * @param tags further tags for the tracked run, e.g. the sweep point's label
 * @param trackedElsewhere whether the run leaves recording to whoever receives its folder: a cluster's
 *     driver records a point once its result is back, so that a task Spark runs twice is recorded once
 * @param pauseAfterEpoch the epoch after which the run pauses, its checkpoint kept and nothing evaluated,
 *     so that a later {@link #resuming} job goes on as if it had never stopped (a successive-halving rung);
 *     null: the run trains every epoch of its spec
 */
public record RunJob(JsonNode spec, String specFile, List<String> overrides, Map<String, String> environment,
                     Map<String, String> sources, List<String> command, String runDir, boolean resume,
                     Map<String, String> parentRunIds, Map<String, String> tags, boolean trackedElsewhere,
                     Integer pauseAfterEpoch) {
    /** The name of a job's file in its run folder. */
    public static final String FILE = "job.json";
    private static final ObjectMapper JSON = JsonMapperFactory.create();

    public RunJob {
        overrides = List.copyOf(overrides);
        environment = Map.copyOf(environment);
        sources = Map.copyOf(sources);
        command = List.copyOf(command);
        parentRunIds = parentRunIds == null ? Map.of() : Map.copyOf(parentRunIds);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** A job for {@code resolved}, to be written to a new folder under {@code output.dir}. */
    public static RunJob of(ResolvedSpec resolved, SpecMapper mapper, List<String> command) {
        return new RunJob(mapper.yaml().valueToTree(resolved.spec()), resolved.file().toString(), resolved.overrides(),
                resolved.environment(), resolved.sources(), command, null, false, Map.of(), Map.of(), false, null);
    }

    /** This job writing to exactly {@code dir}. */
    public RunJob in(Path dir) {
        return new RunJob(spec, specFile, overrides, environment, sources, command, dir.toString(), resume, parentRunIds, tags, trackedElsewhere,
                pauseAfterEpoch);
    }

    /** This job continuing the interrupted run in {@code dir}. */
    public RunJob resuming(Path dir) {
        return new RunJob(spec, specFile, overrides, environment, sources, command, dir.toString(), true, parentRunIds, tags, trackedElsewhere,
                pauseAfterEpoch);
    }

    /** This job recorded as a child of the run {@code parents} name (by tracker), with {@code moreTags}. */
    public RunJob childOf(Map<String, String> parents, Map<String, String> moreTags) {
        return new RunJob(spec, specFile, overrides, environment, sources, command, runDir, resume, parents, moreTags,
                trackedElsewhere, pauseAfterEpoch);
    }

    /** This job recording nothing itself: its receiver records the finished folder (see {@code CompletedRunRecord}). */
    public RunJob trackedByReceiver() {
        return new RunJob(spec, specFile, overrides, environment, sources, command, runDir, resume, parentRunIds, tags,
                true, pauseAfterEpoch);
    }

    /** This job pausing after {@code epoch} (null: training every epoch). */
    public RunJob pausingAfter(Integer epoch) {
        return new RunJob(spec, specFile, overrides, environment, sources, command, runDir, resume, parentRunIds, tags,
                trackedElsewhere, epoch);
    }

    /** The spec again, bound and validated as when it was resolved. */
    public ResolvedSpec resolved(SpecMapper mapper) {
        Path file = Path.of(specFile);
        ExperimentSpec bound = mapper.bind(spec, ExperimentSpec.class, "", key -> sources.getOrDefault(key, specFile));
        List<SpecProblem> problems = SpecValidator.check(bound, key -> sources.getOrDefault(key, specFile));
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return new ResolvedSpec(bound, file, overrides, environment, sources);
    }

    /** The run folder, or null when the run makes a new one. */
    public Path runFolder() {
        return runDir == null ? null : Path.of(runDir);
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), this);
    }

    /** Reads a job file; a missing or malformed one is bad input, said plainly. */
    public static RunJob read(Path file) {
        try {
            return JSON.readValue(file.toFile(), RunJob.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new SpecException(new SpecProblem(file.toString(), "", "the job file does not exist",
                    "give the path of a job.json, e.g. the one in a sweep point's folder"));
        } catch (IOException e) {
            throw new SpecException(new SpecProblem(file.toString(), "", "is not a job file: "
                    + e.getMessage().lines().findFirst().orElse(""), "write it with the runner (every sweep point has one)"));
        }
    }
}
