package org.fmnist.captioning;

import org.fmnist.core.data.FashionClass;

/** How captions name each class: the noun phrase and its indefinite article. */
final class GarmentNames {
    private GarmentNames() {}

    /** The noun phrase without article, e.g. "pair of trousers", "ankle boot". */
    static String noun(FashionClass c) {
        return switch (c) {
            case T_SHIRT_TOP -> "T-shirt";
            case TROUSER -> "pair of trousers";
            case PULLOVER -> "pullover";
            case DRESS -> "dress";
            case COAT -> "coat";
            case SANDAL -> "sandal";
            case SHIRT -> "button-up shirt";
            case SNEAKER -> "sneaker";
            case BAG -> "bag";
            case ANKLE_BOOT -> "ankle boot";
        };
    }

    /** "a" or "an" for the word that follows it. */
    static String article(String nextWord) {
        return "aeio".indexOf(Character.toLowerCase(nextWord.charAt(0))) >= 0 ? "an" : "a";
    }

    /** The phrase with its article, e.g. "an ankle boot". */
    static String withArticle(String phrase) {
        return article(phrase) + " " + phrase;
    }

    static String capitalised(String sentence) {
        return Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
    }
}
