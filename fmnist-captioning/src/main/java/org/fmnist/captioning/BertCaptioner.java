package org.fmnist.captioning;

import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.fmnist.core.data.FashionClass;

/**
 * Captions chosen with BERT sentence embeddings: a query sentence is built from the prediction and
 * the image's attributes ("a dark, patterned, wide shirt"), worded as the bank words them, and the caption of the
 * predicted class's bank closest to it in BGE-small's embedding space is returned. The bank is
 * embedded once, on first use.
 */
public final class BertCaptioner implements CaptionGenerator {
    private final SentenceEmbedder embedder;
    private final CaptionBank bank;
    private Map<FashionClass, List<float[]>> bankVectors;

    @Inject
    public BertCaptioner(SentenceEmbedder embedder) {
        this(embedder, CaptionBank.shipped());
    }

    BertCaptioner(SentenceEmbedder embedder, CaptionBank bank) {
        this.embedder = embedder;
        this.bank = bank;
    }

    /** The sentence an image's caption is matched against. */
    static String query(Prediction p) {
        ImageAttributes a = ImageAttributes.of(p.image());
        return GarmentNames.withArticle(a.tone().word() + ", " + a.texture().word() + ", " + a.width().word() + " "
                + GarmentNames.noun(p.predicted()));
    }

    @Override
    public String caption(Prediction p) {
        return bank.of(p.predicted()).get(SentenceEmbedder.nearest(embedder.embed(query(p)), vectors().get(p.predicted())));
    }

    private synchronized Map<FashionClass, List<float[]>> vectors() {
        if (bankVectors == null) {
            Map<FashionClass, List<float[]>> v = new EnumMap<>(FashionClass.class);
            for (FashionClass c : FashionClass.values()) {
                v.put(c, embedder.embedAll(bank.of(c)));
            }
            bankVectors = v;
        }
        return bankVectors;
    }
}
