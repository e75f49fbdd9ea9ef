package io.gptq4j.kernel.install;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * The kernel logo, drawn with Java2D: four bars of increasing height on a rounded square, a
 * picture of 2-bit quantization levels. Shapes only, so it renders without fonts.
 */
final class Logo {

    private static final Color BACKGROUND = new Color(0x1F, 0x3A, 0x5F);
    private static final Color BAR = new Color(0xF2, 0x9F, 0x05);

    private Logo() {
    }

    static byte[] png(int size) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fill(new RoundRectangle2D.Double(0, 0, size, size, size / 4.0, size / 4.0));
            g.setColor(BAR);
            double margin = size * 0.16;
            double gap = size * 0.05;
            double barWidth = (size - 2 * margin - 3 * gap) / 4;
            double maxHeight = size - 2 * margin;
            for (int level = 0; level < 4; level++) {
                double height = maxHeight * (level + 1) / 4;
                double x = margin + level * (barWidth + gap);
                g.fill(new java.awt.geom.Rectangle2D.Double(x, size - margin - height, barWidth, height));
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
