package org.fmnist.captioning;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.fmnist.core.data.FashionClass;

/** The captions {@link BertCaptioner} chooses from, by class, read from {@code caption-bank.tsv}. */
public record CaptionBank(Map<FashionClass, List<String>> captions) {

    public static CaptionBank shipped() {
        Map<FashionClass, List<String>> byClass = new EnumMap<>(FashionClass.class);
        try (InputStream in = CaptionBank.class.getResourceAsStream("caption-bank.tsv");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t", 2);
                FashionClass c = FashionClass.valueOf(parts[0].toUpperCase(java.util.Locale.ROOT));
                byClass.computeIfAbsent(c, k -> new ArrayList<>()).add(parts[1].trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("caption-bank.tsv is unreadable", e);
        }
        for (FashionClass c : FashionClass.values()) {
            if (!byClass.containsKey(c)) {
                throw new IllegalStateException("caption-bank.tsv has no caption for " + c.displayName());
            }
        }
        return new CaptionBank(byClass);
    }

    public List<String> of(FashionClass c) {
        return captions.get(c);
    }
}
