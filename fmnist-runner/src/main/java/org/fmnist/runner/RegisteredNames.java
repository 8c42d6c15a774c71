package org.fmnist.runner;

import com.google.inject.Binding;
import com.google.inject.spi.DefaultBindingTargetVisitor;
import com.google.inject.spi.Element;
import com.google.inject.spi.InstanceBinding;
import com.google.inject.spi.LinkedKeyBinding;
import com.google.inject.multibindings.MapBinderBinding;
import com.google.inject.multibindings.MultibinderBinding;
import com.google.inject.multibindings.MultibindingsTargetVisitor;
import com.google.inject.multibindings.OptionalBinderBinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmnist.captioning.CaptionGenerator;
import org.fmnist.core.augment.AugmentationFactory;
import org.fmnist.core.model.ModelFactory;
import org.fmnist.core.model.ModelSource;
import org.fmnist.core.tracking.TrackerFactory;
import org.fmnist.runner.sweep.SweepExecutor;
import picocli.CommandLine.Command;

/** The names one module's bindings register in the runner's maps and sets, each with its kind: {@code model deep-mlp}. */
final class RegisteredNames {
    private static final Map<Class<?>, String> KINDS = Map.of(ModelFactory.class, "model", AugmentationFactory.class, "augmentation",
            CaptionGenerator.class, "caption generator", TrackerFactory.class, "tracker", SweepExecutor.class, "sweep executor",
            ModelSource.class, "model source");

    private RegisteredNames() {}

    static List<String> of(List<Element> elements) {
        // A MapBinder shows itself through several bindings (the map, the map of providers, ...): once per map.
        Map<Object, Object> binders = new LinkedHashMap<>();
        for (Element element : elements) {
            if (element instanceof Binding<?> binding) {
                Object multibinding = binding.acceptTargetVisitor(new Multibindings());
                if (multibinding instanceof MapBinderBinding<?> map) {
                    binders.putIfAbsent(map.getMapKey(), map);
                } else if (multibinding instanceof MultibinderBinding<?> set
                        && set.getElementTypeLiteral().getRawType() != Map.Entry.class) {
                    // (A MapBinder keeps its entries in a set of its own, reported through the map above.)
                    binders.putIfAbsent(set.getSetKey(), set);
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (Object binder : binders.values()) {
            if (binder instanceof MapBinderBinding<?> map) {
                String kind = kind(map.getValueTypeLiteral().getRawType());
                map.getEntries(elements).forEach(entry -> names.add(kind + " " + entry.getKey()));
            } else if (binder instanceof MultibinderBinding<?> set) {
                String kind = kind(set.getElementTypeLiteral().getRawType());
                elements.stream().filter(element -> isEntryOf(set, element)).forEach(element -> names.add(nameOf(kind, element)));
            }
        }
        return names;
    }

    /**
     * Whether {@code element} is one of {@code set}'s entries, not one of the bindings a Multibinder makes
     * for itself (the set, its collections): an entry is bound under the element type with Guice's own
     * {@code @Element} annotation.
     */
    private static boolean isEntryOf(MultibinderBinding<?> set, Element element) {
        return set.containsElement(element) && element instanceof Binding<?> binding
                && binding.getKey().getTypeLiteral().equals(set.getElementTypeLiteral())
                && binding.getKey().getAnnotationType() != null
                && binding.getKey().getAnnotationType().getSimpleName().equals("Element");
    }

    private static String kind(Class<?> type) {
        return KINDS.getOrDefault(type, type.getSimpleName());
    }

    /** A command by its name, anything else by what it is bound to. */
    private static String nameOf(String kind, Element element) {
        if (element instanceof InstanceBinding<?> instance && instance.getInstance() instanceof Class<?> type) {
            Command command = type.getAnnotation(Command.class);
            return command != null ? "command " + command.name() : kind + " " + nested(type);
        }
        if (element instanceof LinkedKeyBinding<?> linked) {
            return kind + " " + nested(linked.getLinkedKey().getTypeLiteral().getRawType());
        }
        return kind;
    }

    /** A class's name without its package: {@code RegisteredModel.Source}. */
    private static String nested(Class<?> type) {
        return type.getName().substring(type.getPackageName().length() + 1).replace('$', '.');
    }

    /** Hands back what Guice's multibinding SPI says a binding is part of; null for plain bindings. */
    private static final class Multibindings extends DefaultBindingTargetVisitor<Object, Object>
            implements MultibindingsTargetVisitor<Object, Object> {
        @Override
        public Object visit(MultibinderBinding<?> multibinding) {
            return multibinding;
        }

        @Override
        public Object visit(MapBinderBinding<?> mapbinding) {
            return mapbinding;
        }

        @Override
        public Object visit(OptionalBinderBinding<?> optionalbinding) {
            return null;
        }
    }

}
