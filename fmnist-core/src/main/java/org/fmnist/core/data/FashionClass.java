package org.fmnist.core.data;

import java.util.Locale;

/** The ten Fashion-MNIST classes, in label order (label 0 is {@link #T_SHIRT_TOP}). */
public enum FashionClass {
    T_SHIRT_TOP("T-shirt/top"),
    TROUSER("Trouser"),
    PULLOVER("Pullover"),
    DRESS("Dress"),
    COAT("Coat"),
    SANDAL("Sandal"),
    SHIRT("Shirt"),
    SNEAKER("Sneaker"),
    BAG("Bag"),
    ANKLE_BOOT("Ankle boot");

    /** Number of classes; also the width of the model's output layer. */
    public static final int COUNT = values().length;

    private final String displayName;

    FashionClass(String displayName) {
        this.displayName = displayName;
    }

    /** The label as it appears in the IDX label file. */
    public int label() {
        return ordinal();
    }

    /** The name used in the Fashion-MNIST paper and in reports, e.g. "Ankle boot". */
    public String displayName() {
        return displayName;
    }

    /**
     * A name safe for metric keys and file names, e.g. {@code ankle_boot}, {@code t_shirt_top}.
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The class with the given label; throws for labels outside 0..9. */
    public static FashionClass ofLabel(int label) {
        if (label < 0 || label >= COUNT) {
            throw new IllegalArgumentException("Fashion-MNIST labels are 0..9, got " + label);
        }
        return values()[label];
    }
}
