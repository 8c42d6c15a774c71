package org.fmnist.captioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.fmnist.core.data.FashionClass;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real BGE-small model, loaded from the jar with DJL in offline mode. */
class BertCaptionerTest {
    static BgeSmallEmbedder embedder;

    @BeforeAll
    static void loadTheModelOffline() {
        embedder = new BgeSmallEmbedder();
        assertEquals("true", System.getProperty("offline"), "DJL may not fetch anything");
    }

    @Test
    void embeddingsAreUnitVectorsThatRankRelatedSentencesCloser() {
        float[] boot = embedder.embed("a dark leather ankle boot");
        float[] shoe = embedder.embed("a black boot that covers the ankle");
        float[] dress = embedder.embed("a light summer dress with a flared skirt");

        assertEquals(384, boot.length);
        assertEquals(1.0, SentenceEmbedder.dot(boot, boot), 1e-4);
        assertTrue(SentenceEmbedder.dot(boot, shoe) > SentenceEmbedder.dot(boot, dress));
    }

    @Test
    void everyClassGetsACaptionFromItsOwnBankThatReadsAsThatClass() {
        BertCaptioner captioner = new BertCaptioner(embedder);
        CaptionConsistency consistency = new CaptionConsistency(embedder);
        CaptionBank bank = CaptionBank.shipped();
        for (FashionClass c : FashionClass.values()) {
            String caption = captioner.caption(new Prediction(Images.block(16, 0.8f), Images.probabilities(c.label(), 0.97f, 0)));
            assertTrue(bank.of(c).contains(caption), c + ": " + caption);
            assertEquals(c, consistency.classify(caption), caption);
        }
    }

    @Test
    void theQueryPicksTheVariantThatFitsTheImage() {
        BertCaptioner captioner = new BertCaptioner(embedder);
        String dark = captioner.caption(new Prediction(Images.block(24, 0.4f), Images.probabilities(FashionClass.COAT.label(), 0.97f, 0)));
        String light = captioner.caption(new Prediction(Images.block(24, 0.95f), Images.probabilities(FashionClass.COAT.label(), 0.97f, 0)));

        assertTrue(dark.toLowerCase().contains("dark"), dark);
        assertTrue(light.toLowerCase().contains("light"), light);
    }

    @Test
    void consistencyCountsAgreementAndDiversity() {
        CaptionConsistency consistency = new CaptionConsistency(embedder);
        List<String> captions = List.of("A dark leather handbag.", "A dark leather handbag.", "A pair of blue jeans.",
                "A red summer dress.");
        List<FashionClass> predicted = List.of(FashionClass.BAG, FashionClass.BAG, FashionClass.TROUSER, FashionClass.COAT);
        List<FashionClass> actual = new ArrayList<>(List.of(FashionClass.BAG, FashionClass.SHIRT, FashionClass.TROUSER,
                FashionClass.DRESS));

        CaptionConsistency.Result r = consistency.measure(captions, predicted, actual);

        assertEquals(4, r.captions());
        assertEquals(0.75, r.agreementWithPredicted(), 1e-9);
        assertEquals(0.75, r.agreementWithTrue(), 1e-9);
        assertEquals(0.75, r.diversity(), 1e-9);
    }
}
