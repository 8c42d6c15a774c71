package org.fmnist.captioning;

import java.util.List;
import java.util.function.Function;
import org.fmnist.core.data.FashionClass;

/**
 * Captions from templates: the predicted class, how sure the model is, and what the image looks
 * like ({@link ImageAttributes}). When the two most probable classes are close it hedges ("probably a
 * shirt, possibly a T-shirt"). Which of several phrasings a caption uses follows from the measured
 * image, so the same image always gets the same caption and different images of a class read differently.
 */
public final class TemplateCaptioner implements CaptionGenerator {
    /** Below this margin between the two most probable classes, the caption names both. */
    static final float HEDGE_MARGIN = 0.25f;
    /** At or above this confidence, the caption states the class without hedging. */
    static final float SURE = 0.9f;

    /** The words a template fills in. */
    private record Words(String noun, String other, String tone, String width, String texture) {}

    private static final List<Function<Words, String>> SURE_TEMPLATES = List.of(
            w -> withArticle(w.tone() + " " + w.texture() + " " + w.noun()) + " with " + withArticle(w.width()) + " silhouette.",
            w -> withArticle(w.noun()) + " in " + withArticle(w.tone()) + " shade, " + w.texture() + ", with " + withArticle(w.width()) + " cut.",
            w -> "This is " + withArticle(w.texture() + ", " + w.tone() + " " + w.noun()) + " with " + withArticle(w.width()) + " shape.",
            w -> withArticle(w.tone() + " " + w.noun()) + ", " + w.texture() + " and " + w.width() + " in outline.");

    private static final List<Function<Words, String>> LIKELY_TEMPLATES = List.of(
            w -> "Likely " + withArticle(w.tone() + " " + w.noun()) + ", " + w.texture() + ", with " + withArticle(w.width()) + " silhouette.",
            w -> "Most likely " + withArticle(w.noun()) + ": " + w.tone() + ", " + w.texture() + " and " + w.width() + ".");

    private static final List<Function<Words, String>> HEDGED_TEMPLATES = List.of(
            w -> "Probably " + withArticle(w.noun()) + ", possibly " + withArticle(w.other()) + "; " + w.tone() + " and " + w.texture() + ".",
            w -> "Either " + withArticle(w.noun()) + " or " + withArticle(w.other()) + ", more likely the first; "
                    + w.tone() + ", with " + withArticle(w.width()) + " silhouette.");

    @Override
    public String caption(Prediction p) {
        ImageAttributes a = ImageAttributes.of(p.image());
        Words words = new Words(GarmentNames.noun(p.predicted()), GarmentNames.noun(p.runnerUp()), a.tone().word(),
                a.width().word(), a.texture().word());
        List<Function<Words, String>> templates = p.confidence() - p.runnerUpProbability() < HEDGE_MARGIN ? HEDGED_TEMPLATES
                : p.confidence() >= SURE ? SURE_TEMPLATES : LIKELY_TEMPLATES;
        return GarmentNames.capitalised(templates.get(variant(p.predicted(), a, templates.size())).apply(words));
    }

    /** A phrasing chosen by the measured image, not at random, so captions are reproducible. */
    private static int variant(FashionClass c, ImageAttributes a, int choices) {
        long h = c.ordinal();
        h = h * 31 + Math.round(a.brightness() * 200);
        h = h * 31 + Math.round(a.widthRatio() * 200);
        h = h * 31 + Math.round(a.textureScore() * 200);
        return (int) Math.floorMod(h * 0x9E3779B97F4A7C15L >>> 17, (long) choices);
    }

    private static String withArticle(String phrase) {
        return GarmentNames.withArticle(phrase);
    }
}
