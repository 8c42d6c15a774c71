package org.fmnist.core.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fmnist.core.data.FashionClass;
import org.fmnist.core.data.IdxFile;
import org.fmnist.core.data.Split;
import org.fmnist.core.eval.Predictions;

/**
 * A grid of test images, each with its true and predicted label and the model's confidence:
 * correct predictions framed green, wrong ones red. Half the tiles are right and half wrong where
 * the model made enough mistakes, chosen with the seed so that reruns show the same images.
 */
public final class SampleGrid {
    private static final int SCALE = 4;
    private static final int TILE = IdxFile.SIDE * SCALE;
    private static final int PAD = 10;
    private static final int LABEL = 46;
    private static final int COLUMNS = 8;

    private SampleGrid() {}

    /** Indices of {@code count} images: half correct, half wrong where possible, in a seeded order. */
    public static List<Integer> choose(Predictions p, int count, long seed) {
        List<Integer> right = new ArrayList<>();
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            (p.predicted()[i] == p.labels()[i] ? right : wrong).add(i);
        }
        Random random = new Random(seed);
        java.util.Collections.shuffle(right, random);
        java.util.Collections.shuffle(wrong, random);
        int wrongCount = Math.min(wrong.size(), count / 2);
        int rightCount = Math.min(right.size(), count - wrongCount);
        List<Integer> chosen = new ArrayList<>(right.subList(0, rightCount));
        chosen.addAll(wrong.subList(0, Math.min(wrong.size(), count - rightCount)));
        return chosen;
    }

    public static BufferedImage render(Split split, Predictions p, List<Integer> indices, String title) {
        return render(split, p, indices, List.of(), title);
    }

    /**
     * The grid with a caption under each image.
     *
     * @param captions one per index, or empty for none
     */
    public static BufferedImage render(Split split, Predictions p, List<Integer> indices, List<String> captions, String title) {
        int rows = Math.max(1, (indices.size() + COLUMNS - 1) / COLUMNS);
        int cellW = TILE + PAD * 2;
        int captionH = captions.isEmpty() ? 0 : CAPTION_LINES * 12 + 4;
        int cellH = TILE + LABEL + PAD + captionH;
        Canvas c = new Canvas(COLUMNS * cellW + PAD, 40 + rows * cellH);
        Graphics2D g = c.g;
        c.font(16, true);
        c.centred(title, c.image.getWidth() / 2, 26);
        for (int k = 0; k < indices.size(); k++) {
            int i = indices.get(k);
            int x = PAD + (k % COLUMNS) * cellW;
            int y = 40 + (k / COLUMNS) * cellH;
            boolean correct = p.predicted()[i] == p.labels()[i];
            drawImage(g, split.image(i), x + PAD / 2, y);
            g.setColor(correct ? new Color(0, 150, 60) : new Color(200, 30, 30));
            g.setStroke(new java.awt.BasicStroke(3));
            g.drawRect(x + PAD / 2 - 2, y - 2, TILE + 3, TILE + 3);
            g.setColor(Color.BLACK);
            c.font(11, false);
            String truth = FashionClass.ofLabel(p.labels()[i]).displayName();
            String guess = FashionClass.ofLabel(p.predicted()[i]).displayName();
            float confidence = p.probability(i, p.predicted()[i]);
            c.centred("true: " + truth, x + PAD / 2 + TILE / 2, y + TILE + 16);
            g.setColor(correct ? new Color(0, 120, 50) : new Color(190, 20, 20));
            c.centred(String.format("pred: %s %.0f%%", guess, confidence * 100), x + PAD / 2 + TILE / 2, y + TILE + 32);
            g.setColor(Color.BLACK);
            if (!captions.isEmpty()) {
                c.font(9, false);
                List<String> lines = wrap(captions.get(k), g.getFontMetrics(), cellW - 4);
                for (int l = 0; l < lines.size(); l++) {
                    c.centred(lines.get(l), x + PAD / 2 + TILE / 2, y + TILE + LABEL + 4 + l * 12);
                }
            }
        }
        return c.done();
    }

    private static final int CAPTION_LINES = 4;

    /** Splits {@code text} into at most {@link #CAPTION_LINES} lines that fit {@code width}, ending in "…" if cut. */
    static List<String> wrap(String text, java.awt.FontMetrics fm, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (fm.stringWidth(candidate) <= width || line.isEmpty()) {
                line = new StringBuilder(candidate);
            } else {
                lines.add(line.toString());
                line = new StringBuilder(word);
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        if (lines.size() > CAPTION_LINES) {
            List<String> cut = new ArrayList<>(lines.subList(0, CAPTION_LINES));
            cut.set(CAPTION_LINES - 1, cut.get(CAPTION_LINES - 1) + "…");
            return cut;
        }
        return lines;
    }

    private static void drawImage(Graphics2D g, float[] pixels, int x, int y) {
        BufferedImage img = new BufferedImage(IdxFile.SIDE, IdxFile.SIDE, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < IdxFile.SIDE; r++) {
            for (int col = 0; col < IdxFile.SIDE; col++) {
                int v = Math.round(pixels[r * IdxFile.SIDE + col] * 255);
                img.getRaster().setSample(col, r, 0, v);
            }
        }
        g.drawImage(img, x, y, TILE, TILE, null);
    }
}
