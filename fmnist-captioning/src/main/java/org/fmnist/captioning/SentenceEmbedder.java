package org.fmnist.captioning;

import java.util.List;

/** Turns sentences into unit-length vectors whose dot product is their cosine similarity. */
public interface SentenceEmbedder {

    float[] embed(String sentence);

    default List<float[]> embedAll(List<String> sentences) {
        return sentences.stream().map(this::embed).toList();
    }

    /** Index of the candidate most similar to {@code query}. */
    static int nearest(float[] query, List<float[]> candidates) {
        int best = 0;
        float bestScore = -Float.MAX_VALUE;
        for (int i = 0; i < candidates.size(); i++) {
            float score = dot(query, candidates.get(i));
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }

    static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    static float[] normalised(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }
}
