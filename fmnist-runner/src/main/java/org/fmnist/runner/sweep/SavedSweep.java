package org.fmnist.runner.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fmnist.core.json.JsonMapperFactory;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.runner.job.RunJob;

/**
 * What a sweep folder keeps so that {@code runner resume SWEEP_FOLDER} goes on where the sweep stopped,
 * whatever became of the spec file since: the sweep's own resolved spec as a job, its record's ids, and
 * every point's job from scratch. How far each point got is read from its own folder.
 *
 * @param sweep the sweep's resolved spec and command, as a job
 * @param startedMillis when the sweep first started
 * @param parentRunIds by tracker name, the sweep's own record, which its points' records are children of
 * @param points every point's job, as the sweep first gave it
 */
public record SavedSweep(RunJob sweep, long startedMillis, Map<String, String> parentRunIds, List<SweepJob> points) {
    /** The file in the sweep folder. */
    public static final String FILE = "sweep-plan.json";
    private static final ObjectMapper JSON = JsonMapperFactory.create();

    public SavedSweep {
        parentRunIds = Map.copyOf(parentRunIds);
        points = List.copyOf(points);
    }

    void write(Path sweepFolder) throws IOException {
        JSON.writeValue(sweepFolder.resolve(FILE).toFile(), this);
    }

    /** Whether {@code folder} is a sweep's folder. */
    public static boolean isSweep(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE));
    }

    static SavedSweep read(Path sweepFolder) {
        Path file = sweepFolder.resolve(FILE);
        try {
            return JSON.readValue(file.toFile(), SavedSweep.class);
        } catch (IOException e) {
            throw new SpecException(new SpecProblem(file.toString(), "", "cannot be read: "
                    + e.getMessage().lines().findFirst().orElse(""), "start the sweep again from its spec"));
        }
    }
}
