package org.fmnist.captioning;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT sentence embeddings from BGE-small-en-v1.5 (quantised), whose ONNX model and tokenizer ship
 * inside a Maven jar: nothing is downloaded at run time. Loading takes about a second, so one
 * instance serves a whole run (it is bound as a singleton). Repeated sentences are looked up,
 * not embedded again.
 */
public final class BgeSmallEmbedder implements SentenceEmbedder {
    private static final int MEMO = 10_000;

    private final EmbeddingModel model;
    private final long loadMillis;
    private final Map<String, float[]> memo = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > MEMO;
        }
    };

    public BgeSmallEmbedder() {
        // DJL, which tokenizes, would otherwise be allowed to fetch missing native files.
        System.setProperty("offline", "true");
        long start = System.nanoTime();
        this.model = new BgeSmallEnV15QuantizedEmbeddingModel();
        this.loadMillis = (System.nanoTime() - start) / 1_000_000;
    }

    /** How long loading the model took, for the benchmark. */
    public long loadMillis() {
        return loadMillis;
    }

    @Override
    public synchronized float[] embed(String sentence) {
        float[] known = memo.get(sentence);
        if (known == null) {
            known = SentenceEmbedder.normalised(model.embed(sentence).content().vector());
            memo.put(sentence, known);
        }
        return known;
    }

    @Override
    public synchronized List<float[]> embedAll(List<String> sentences) {
        List<String> missing = sentences.stream().filter(s -> !memo.containsKey(s)).distinct().toList();
        if (!missing.isEmpty()) {
            var vectors = model.embedAll(missing.stream().map(TextSegment::from).toList()).content();
            for (int i = 0; i < missing.size(); i++) {
                memo.put(missing.get(i), SentenceEmbedder.normalised(vectors.get(i).vector()));
            }
        }
        return sentences.stream().map(memo::get).toList();
    }

    /** Embeds without the memo, to measure the model itself. */
    public float[] embedFresh(String sentence) {
        return SentenceEmbedder.normalised(model.embed(sentence).content().vector());
    }
}
