package org.fmnist.runner;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fmnist.captioning.CaptionGenerator;
import org.fmnist.core.augment.Augmentation;
import org.fmnist.core.augment.AugmentationFactory;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.ModelParameters;
import org.fmnist.core.spec.PluginSpec;
import org.fmnist.core.spec.ResolvedSpec;
import org.fmnist.core.spec.SpecException;
import org.fmnist.core.spec.SpecMapper;
import org.fmnist.core.spec.SpecProblem;
import org.fmnist.core.spec.TrackingSpec;
import org.fmnist.core.tracking.RunTracker;
import org.fmnist.core.tracking.TrackerFactory;
import org.fmnist.runner.sweep.SweepExecutor;
import org.fmnist.runner.tracking.RunTrackers;

/**
 * Everything a spec can name, as the plugin modules registered it in their {@code MapBinder}s, and
 * the lookups by name: an unknown name is a {@link SpecException} that lists the names known, so
 * every command reports it the same way. One per injector: it is made at start-up to check the
 * plugins, and every command (picocli makes them all) reuses that one.
 */
@Singleton
public final class Registry {
    private final Map<String, ModelFactory<?>> models;
    private final Map<String, AugmentationFactory<?>> augmentations;
    private final Map<String, Provider<CaptionGenerator>> captioners;
    private final Map<String, TrackerFactory<?>> trackers;
    private final Map<String, Provider<SweepExecutor>> executors;
    private final SpecMapper mapper = new SpecMapper();

    @Inject
    Registry(Map<String, ModelFactory<?>> models, Map<String, AugmentationFactory<?>> augmentations,
             Map<String, Provider<CaptionGenerator>> captioners, Map<String, TrackerFactory<?>> trackers,
             Map<String, Provider<SweepExecutor>> executors) {
        this.models = models;
        this.augmentations = augmentations;
        this.captioners = captioners;
        this.trackers = trackers;
        this.executors = executors;
    }

    /** The registered models by name, sorted, for listing. */
    public SortedMap<String, ModelFactory<?>> models() {
        return new TreeMap<>(models);
    }

    /** The registered augmentations by name, sorted, for listing. */
    public SortedMap<String, AugmentationFactory<?>> augmentations() {
        return new TreeMap<>(augmentations);
    }

    /** The model {@code model.type} names. */
    public ModelFactory<?> model(ResolvedSpec spec) {
        return named(models, spec.spec().model().type(), spec.sourceOf("model.type"), "model.type", "model type");
    }

    /**
     * Every problem of the spec's plugin keys, its model's and its augmentations', so that the spec's
     * problems are reported together with its own ({@link org.fmnist.core.spec.SpecLoader#load}).
     */
    public List<SpecProblem> problemsOfPluginKeys(ResolvedSpec spec) {
        List<SpecProblem> problems = new ArrayList<>();
        List<Runnable> checks = List.of(() -> ModelParameters.bind(model(spec), spec, mapper), () -> augmentation(spec));
        for (Runnable check : checks) {
            try {
                check.run();
            } catch (SpecException e) {
                problems.addAll(e.problems());
            }
        }
        return problems;
    }

    /** The factories of the registered models among {@code types}; unknown ones are left for the run to report. */
    public List<ModelFactory<?>> modelsAmong(List<String> types) {
        return types.stream().filter(models::containsKey).<ModelFactory<?>>map(models::get).toList();
    }

    /** The spec's {@code augment} list composed in order; none when the list is empty. */
    public Augmentation augmentation(ResolvedSpec spec) {
        List<PluginSpec> entries = spec.spec().augment();
        Augmentation all = Augmentation.none();
        for (int i = 0; i < entries.size(); i++) {
            String key = "augment[" + i + "]";
            AugmentationFactory<?> factory = named(augmentations, entries.get(i).type(), spec.sourceOf("augment"), key + ".type", "augmentation");
            all = all.then(create(factory, entries.get(i), key, spec));
        }
        return all;
    }

    private <P extends Record> Augmentation create(AugmentationFactory<P> factory, PluginSpec entry, String key,
                                                   ResolvedSpec spec) {
        return factory.create(mapper.bindParameters(entry.params(), factory.parametersType(), key, spec::sourceOf));
    }

    /** The caption generators {@code captioning.generators} names, in its order. */
    public Map<String, CaptionGenerator> captioners(ResolvedSpec spec) {
        Map<String, CaptionGenerator> chosen = new LinkedHashMap<>();
        for (String name : spec.spec().captioning().generators()) {
            chosen.put(name, named(captioners, name, spec.sourceOf("captioning.generators"), "captioning.generators", "caption generator").get());
        }
        return chosen;
    }

    /** A caption generator by name, as {@code runner predict --captioner} gives it. */
    public CaptionGenerator captioner(String name) {
        Provider<CaptionGenerator> g = captioners.get(name);
        if (g == null) {
            throw new SpecException(new SpecProblem("command-line option --captioner", "", "unknown caption generator '"
                    + name + "'", "use one of " + new TreeSet<>(captioners.keySet())));
        }
        return g.get();
    }

    /** The registered trackers by name, sorted, for listing. */
    public SortedMap<String, TrackerFactory<?>> trackers() {
        return new TreeMap<>(trackers);
    }

    /**
     * New trackers of the kinds {@code tracking.type} names, each with its keys from
     * {@code tracking.NAME}. A section for a tracker nobody registered is an error too, since its
     * keys would otherwise be ignored without a word.
     */
    public RunTrackers trackers(ResolvedSpec spec) {
        TrackingSpec tracking = spec.spec().tracking();
        for (String name : tracking.settings().keySet()) {
            named(trackers, name, spec.sourceOf("tracking." + name), "tracking." + name, "tracker");
        }
        Map<String, RunTracker> chosen = new LinkedHashMap<>();
        for (String name : tracking.type()) {
            TrackerFactory<?> factory = named(trackers, name, spec.sourceOf("tracking.type"), "tracking.type", "tracker");
            chosen.put(name, create(factory, tracking.settingsOf(name), "tracking." + name, spec));
        }
        return new RunTrackers(chosen);
    }

    private <P extends Record> RunTracker create(TrackerFactory<P> factory, Map<String, Object> keys, String key,
                                                 ResolvedSpec spec) {
        return factory.create(mapper.bindParameters(keys, factory.parametersType(), key, spec::sourceOf));
    }

    /** The executor {@code sweep.executor} names. */
    public SweepExecutor executor(ResolvedSpec spec) {
        return named(executors, spec.spec().sweep().executor(), spec.sourceOf("sweep.executor"), "sweep.executor", "sweep executor").get();
    }

    private static <T> T named(Map<String, T> registered, String name, String source, String key, String what) {
        T found = registered.get(name);
        if (found == null) {
            throw new SpecException(new SpecProblem(source, key, "unknown " + what + " '" + name + "'",
                    "use one of the registered " + what + "s: " + new TreeSet<>(registered.keySet())));
        }
        return found;
    }
}
