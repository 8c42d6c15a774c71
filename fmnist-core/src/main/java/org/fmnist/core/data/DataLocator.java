package org.fmnist.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Fashion-MNIST files on this machine, in a fixed order, and downloads them into the user
 * cache when none of the places holds them. Whatever the source, the files are verified against the
 * manifest, so every source yields the same data.
 */
public final class DataLocator {

    /** Where Debian's {@code dataset-fashion-mnist} package installs the official files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Environment variable naming a folder that holds the four files. */
    public static final String ENV_VAR = "FMNIST_DATA";
    /** The mirror Zalando's README links to. */
    public static final URI OFFICIAL_MIRROR = URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    private static final Logger LOG = LoggerFactory.getLogger(DataLocator.class);

    /** A folder to look in, and the rule that put it on the list. */
    public record Place(String rule, Path directory) {}

    private final List<Place> places;
    private final Path cache;
    private final Optional<URI> mirror;
    private final DatasetManifest manifest;
    private final Duration timeout;

    /**
     * @param places folders to look in, in order; the cache is looked in last and needs not be listed
     * @param cache folder that downloads go to
     * @param mirror base URL to download from, or empty to never download
     */
    public DataLocator(List<Place> places, Path cache, Optional<URI> mirror, DatasetManifest manifest, Duration timeout) {
        this.places = List.copyOf(places);
        this.cache = cache;
        this.mirror = mirror;
        this.manifest = manifest;
        this.timeout = timeout;
    }

    /**
     * The standard search order: the spec's {@code data.dir}, {@code $FMNIST_DATA}, Debian's folder,
     * the user cache, then a download from {@code mirror} into the cache.
     */
    public static DataLocator standard(Path specDir, Path cache, Optional<URI> mirror, Map<String, String> env) {
        List<Place> places = new ArrayList<>();
        if (specDir != null) {
            places.add(new Place("data.dir in the spec", specDir));
        }
        String fromEnv = env.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            places.add(new Place(ENV_VAR + " environment variable", Path.of(fromEnv)));
        }
        places.add(new Place("Debian package dataset-fashion-mnist", DEBIAN_DIR));
        return new DataLocator(places, cache, mirror, DatasetManifest.OFFICIAL, Duration.ofSeconds(30));
    }

    /** The default user cache: {@code $XDG_CACHE_HOME/fmnist} or {@code ~/.cache/fmnist}. */
    public static Path defaultCache(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("fmnist");
    }

    /** Finds, verifies and loads the data set. */
    public FashionMnist load() {
        List<String> looked = new ArrayList<>();
        for (Place place : placesAndCache()) {
            Optional<Map<DatasetFile, Path>> files = filesIn(place.directory());
            if (files.isPresent()) {
                LOG.info("Fashion-MNIST found in {} ({})", place.directory(), place.rule());
                return read(files.get(), place);
            }
            looked.add(place.directory() + " (" + place.rule() + ")");
        }
        if (mirror.isEmpty()) {
            throw notFound(looked, "Downloading is switched off (data.download: false).");
        }
        try {
            download(mirror.get());
        } catch (IOException | RuntimeException e) {
            throw notFound(looked, "Downloading from " + mirror.get() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("Interrupted while downloading Fashion-MNIST", e);
        }
        Place downloaded = new Place("downloaded from " + mirror.get() + " into the user cache", cache);
        return read(filesIn(cache).orElseThrow(), downloaded);
    }

    private FashionMnist read(Map<DatasetFile, Path> files, Place place) {
        Map<String, String> md5 = new LinkedHashMap<>();
        List<IdxFile.Content> contents = new ArrayList<>();
        for (DatasetFile file : manifest.files()) {
            contents.add(IdxFile.read(files.get(file), file));
            md5.put(file.name(), file.md5());
        }
        return FashionMnist.of(contents.get(0), contents.get(1), contents.get(2), contents.get(3),
                new DataSource(place.directory(), place.rule(), md5));
    }

    /** All four files of the manifest in {@code dir}, gzipped or not; empty when any is missing. */
    /**
     * Where {@link #load()} would read the data from, without reading it (so without checking its
     * MD5s, which {@code load} does); empty when only a download would do.
     */
    public Optional<Place> find() {
        return placesAndCache().stream().filter(place -> filesIn(place.directory()).isPresent()).findFirst();
    }

    private List<Place> placesAndCache() {
        List<Place> all = new ArrayList<>(places);
        all.add(new Place("user cache", cache));
        return all;
    }

    /** The data set's four files in {@code dir}, plain or gzipped; empty unless all four are there. */
    public Optional<Map<DatasetFile, Path>> filesIn(Path dir) {
        Map<DatasetFile, Path> found = new LinkedHashMap<>();
        for (DatasetFile file : manifest.files()) {
            Path plain = dir.resolve(file.name());
            Path gz = dir.resolve(file.gzName());
            if (Files.isRegularFile(plain)) {
                found.put(file, plain);
            } else if (Files.isRegularFile(gz)) {
                found.put(file, gz);
            }
        }
        if (!found.isEmpty() && found.size() < manifest.files().size()) {
            LOG.warn("{} holds only {} of the 4 Fashion-MNIST files; looking elsewhere", dir, found.size());
        }
        return found.size() == manifest.files().size() ? Optional.of(found) : Optional.empty();
    }

    /** Downloads every file, verifies it, and only then moves it into place, so the cache never holds half a file. */
    private void download(URI base) throws IOException, InterruptedException {
        Files.createDirectories(cache);
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (DatasetFile file : manifest.files()) {
            Path target = cache.resolve(file.gzName());
            if (Files.isRegularFile(target)) {
                continue;
            }
            URI uri = base.resolve(file.gzName());
            LOG.info("Downloading {}", uri);
            Path partial = Files.createTempFile(cache, "." + file.name() + "-", ".part.gz");
            try {
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout.multipliedBy(10)).GET().build();
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        throw new IOException("HTTP " + response.statusCode() + " for " + uri);
                    }
                    Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
                }
                IdxFile.read(partial, file);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }

    private DataException notFound(List<String> looked, String downloadOutcome) {
        return new DataException("Fashion-MNIST was not found. Looked in:\n  - " + String.join("\n  - ", looked)
                + "\n" + downloadOutcome + "\nFix: install it with 'apt-get install dataset-fashion-mnist', "
                + "or put the four files (" + manifest.trainImages().gzName() + ", ...) in a folder and set "
                + ENV_VAR + " or data.dir to it.");
    }
}
