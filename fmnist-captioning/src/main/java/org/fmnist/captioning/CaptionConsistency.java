package org.fmnist.captioning;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.fmnist.core.data.FashionClass;

/**
 * Judges captions without hand labels: each caption is embedded and assigned to the nearest of ten
 * class descriptions; a good caption lands on the class it was written for. Also counts how varied
 * the captions are.
 */
public final class CaptionConsistency {

    /** One description per class, in label order, worded as a catalogue would. */
    static final List<String> CLASS_DESCRIPTIONS = List.of(
            "a T-shirt or top, a short-sleeved casual top",
            "a pair of trousers, long pants with two legs",
            "a pullover, a long-sleeved knitted sweater",
            "a dress, a one-piece garment with a skirt",
            "a coat, a heavy outer jacket",
            "a sandal, an open shoe with straps",
            "a shirt, a collared top with buttons",
            "a sneaker, a sports shoe with laces",
            "a bag, a handbag or purse",
            "an ankle boot, a shoe that covers the ankle");

    /**
     * Agreement of the captions' classes with the predicted and the true classes, and diversity.
     *
     * @param diversity distinct captions divided by captions
     */
    public record Result(int captions, double agreementWithPredicted, double agreementWithTrue, double diversity) {}

    private final SentenceEmbedder embedder;
    private final List<float[]> classVectors;

    public CaptionConsistency(SentenceEmbedder embedder) {
        this.embedder = embedder;
        this.classVectors = embedder.embedAll(CLASS_DESCRIPTIONS);
    }

    /** The class whose description is nearest to {@code caption}. */
    public FashionClass classify(String caption) {
        return FashionClass.ofLabel(SentenceEmbedder.nearest(embedder.embed(caption), classVectors));
    }

    public Result measure(List<String> captions, List<FashionClass> predicted, List<FashionClass> actual) {
        int agreePredicted = 0;
        int agreeTrue = 0;
        List<FashionClass> assigned = new ArrayList<>();
        for (String caption : captions) {
            assigned.add(classify(caption));
        }
        for (int i = 0; i < captions.size(); i++) {
            agreePredicted += assigned.get(i) == predicted.get(i) ? 1 : 0;
            agreeTrue += assigned.get(i) == actual.get(i) ? 1 : 0;
        }
        int n = Math.max(1, captions.size());
        return new Result(captions.size(), (double) agreePredicted / n, (double) agreeTrue / n,
                (double) new HashSet<>(captions).size() / n);
    }
}
