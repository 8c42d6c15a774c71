package org.fmnist.captioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.fmnist.core.data.FashionClass;
import org.junit.jupiter.api.Test;

class TemplateCaptionerTest {
    private final TemplateCaptioner captioner = new TemplateCaptioner();

    private String caption(float[] image, int label, float confidence, int second) {
        return captioner.caption(new Prediction(image, Images.probabilities(label, confidence, second)));
    }

    /** Every caption: a capitalised sentence ending in a full stop, no word twice in a row, right articles. */
    private static void assertWellFormed(String caption) {
        assertFalse(caption.isBlank());
        assertTrue(Character.isUpperCase(caption.charAt(0)), caption);
        assertTrue(caption.endsWith("."), caption);
        String[] words = caption.toLowerCase(Locale.ROOT).replaceAll("[^a-z/ -]", " ").trim().split("\\s+");
        for (int i = 1; i < words.length; i++) {
            assertFalse(words[i].equals(words[i - 1]), "repeated word in: " + caption);
            if (words[i - 1].equals("a")) {
                assertFalse("aeio".indexOf(words[i].charAt(0)) >= 0, "'a' before a vowel in: " + caption);
            }
            if (words[i - 1].equals("an")) {
                assertTrue("aeio".indexOf(words[i].charAt(0)) >= 0, "'an' before a consonant in: " + caption);
            }
        }
        assertFalse(caption.contains("  ") || caption.contains(" ,") || caption.contains(",,"), caption);
    }

    @Test
    void everyClassAtEveryConfidenceIsWellFormedAndNamesTheClass() {
        float[][] images = {Images.block(8, 0.4f), Images.block(16, 0.65f), Images.block(24, 0.95f), Images.striped(20)};
        for (FashionClass c : FashionClass.values()) {
            for (float confidence : new float[] {0.99f, 0.75f, 0.55f}) {
                for (float[] image : images) {
                    String text = caption(image, c.label(), confidence, (c.label() + 3) % 10);
                    assertWellFormed(text);
                    assertTrue(text.contains(GarmentNames.noun(c)), text);
                }
            }
        }
    }

    @Test
    void closeCallsHedgeAndNameBothClasses() {
        String text = caption(Images.block(16, 0.8f), FashionClass.SHIRT.label(), 0.55f, FashionClass.T_SHIRT_TOP.label());

        assertTrue(text.contains("shirt") && text.contains("T-shirt"), text);
        assertTrue(text.startsWith("Probably") || text.startsWith("Either"), text);
    }

    @Test
    void sureCallsDoNotHedge() {
        String text = caption(Images.block(16, 0.8f), FashionClass.BAG.label(), 0.98f, FashionClass.COAT.label());

        assertFalse(text.toLowerCase(Locale.ROOT).contains("probably") || text.contains("possibly") || text.contains("coat"), text);
    }

    @Test
    void theAttributesShowInTheWording() {
        String dark = caption(Images.block(8, 0.4f), FashionClass.DRESS.label(), 0.99f, 0);
        String light = caption(Images.striped(24), FashionClass.DRESS.label(), 0.99f, 0);

        assertTrue(dark.contains("dark") && dark.contains("narrow") && dark.contains("plain"), dark);
        assertTrue(light.contains("patterned") && light.contains("wide"), light);
    }

    @Test
    void theSameImageGetsTheSameCaptionAndImagesOfAClassVary() {
        Set<String> captions = new HashSet<>();
        for (int w = 6; w <= 26; w++) {
            for (float v = 0.3f; v <= 1.0f; v += 0.1f) {
                captions.add(caption(Images.block(w, v), FashionClass.COAT.label(), 0.97f, 0));
            }
        }
        assertTrue(captions.size() >= 10, captions.size() + " distinct: " + captions);
        float[] image = Images.striped(18);
        assertEquals(caption(image, 4, 0.97f, 0), caption(image, 4, 0.97f, 0));
        assertTrue(captions.stream().map(c -> c.split(" ")[0]).distinct().count() >= 2, "more than one phrasing");
    }

    @Test
    void articlesFollowTheNextWord() {
        assertEquals("an ankle boot", GarmentNames.withArticle("ankle boot"));
        assertEquals("a pair of trousers", GarmentNames.withArticle("pair of trousers"));
        assertEquals("an ink", GarmentNames.withArticle("ink"));
    }
}
