package org.fmnist.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.fmnist.core.data.DataLocator;
import org.fmnist.core.data.DataSource;
import org.fmnist.core.data.DatasetManifest;
import org.fmnist.core.plugin.Invocation;
import org.fmnist.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an executor gets the data: its worker's own copy, else the driver's, MD5-checked either way. */
class DataOnExecutorsTest {
    @TempDir
    Path dir;

    @Test
    void aWorkersOwnCopyComesFirstThenTheDriversThenADownload() {
        Map<String, String> env = Map.of("HOME", "/home/x");
        DataLocator.Place own = new DataLocator.Place("Debian package dataset-fashion-mnist", Path.of("/data"));

        PointTask.DataChoice withOwn = PointTask.chooseData(Optional.of(own), true, "/spark/files", env);
        PointTask.DataChoice shipped = PointTask.chooseData(Optional.empty(), true, "/spark/files", env);
        PointTask.DataChoice neither = PointTask.chooseData(Optional.empty(), false, null, env);

        assertEquals(env, withOwn.environment());
        assertEquals("Debian package dataset-fashion-mnist", withOwn.foundBy());
        assertEquals("/spark/files", shipped.environment().get(DataLocator.ENV_VAR));
        assertEquals("shipped by the driver", shipped.foundBy());
        assertEquals(env, neither.environment());
        assertEquals("downloaded by the executor", neither.foundBy());
    }

    @Test
    void theDriversCopyReachesAnExecutorAndPassesTheMd5Check() throws Exception {
        Invocation invocation = new Invocation(System.out, System.err, false, Map.of(), Clock.systemUTC());
        var spec = new SpecLoader().load(SparkSweepTest.BASELINE, List.of(), Map.of());
        String emptyCache = dir.resolve("no-cache").toString();
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[1]").setAppName("data")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))) {
            SparkSweepExecutor.shipData(sc, spec, invocation);

            // Only the shipped copy is searched: no system folder, no cache, no download.
            List<Map<String, String>> seen = sc.parallelize(List.of(1), 1).map(x -> {
                DataSource source = new DataLocator(
                        List.of(new DataLocator.Place("shipped by the driver", Path.of(SparkFiles.getRootDirectory()))),
                        Path.of(emptyCache), Optional.empty(), DatasetManifest.OFFICIAL, Duration.ofSeconds(5)).load().source();
                return Map.copyOf(source.md5());
            }).collect();

            assertEquals(Map.of("train-images-idx3-ubyte", "f4a8712d7a061bf5bd6d2ca38dc4d50a",
                    "train-labels-idx1-ubyte", "9018921c3c673c538a1fc5bad174d6f9",
                    "t10k-images-idx3-ubyte", "8181f5470baa50b63fa0f6fddb340f0a",
                    "t10k-labels-idx1-ubyte", "15d484375f8d13e6eb1aabb0c3f46965"), seen.get(0));
        }
    }
}
