package org.fmnist.captioning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImageAttributesTest {
    @Test
    void toneFollowsBrightness() {
        assertEquals(ImageAttributes.Tone.DARK, ImageAttributes.of(Images.block(16, 0.4f)).tone());
        assertEquals(ImageAttributes.Tone.MID, ImageAttributes.of(Images.block(16, 0.65f)).tone());
        assertEquals(ImageAttributes.Tone.LIGHT, ImageAttributes.of(Images.block(16, 0.95f)).tone());
    }

    @Test
    void widthFollowsTheSilhouette() {
        assertEquals(ImageAttributes.Width.NARROW, ImageAttributes.of(Images.block(8, 0.8f)).width());
        assertEquals(ImageAttributes.Width.REGULAR, ImageAttributes.of(Images.block(16, 0.8f)).width());
        assertEquals(ImageAttributes.Width.WIDE, ImageAttributes.of(Images.block(24, 0.8f)).width());
        assertEquals(24 / 28.0, ImageAttributes.of(Images.block(24, 0.8f)).widthRatio(), 1e-9);
    }

    @Test
    void stripesArePatternedAndAFlatFillIsPlain() {
        assertEquals(ImageAttributes.Texture.PLAIN, ImageAttributes.of(Images.block(16, 0.8f)).texture());
        assertEquals(ImageAttributes.Texture.PATTERNED, ImageAttributes.of(Images.striped(16)).texture());
    }

    @Test
    void anEmptyImageMeasuresZero() {
        ImageAttributes a = ImageAttributes.of(new float[784]);
        assertEquals(0, a.brightness());
        assertEquals(0, a.widthRatio());
        assertEquals(ImageAttributes.Tone.DARK, a.tone());
    }
}
