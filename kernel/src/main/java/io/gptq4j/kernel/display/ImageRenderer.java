package io.gptq4j.kernel.display;

import io.gptq4j.dsl.display.MimeBundle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** {@link BufferedImage} as PNG. */
final class ImageRenderer {

    private ImageRenderer() {
    }

    static MimeBundle render(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("No PNG writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode the image as PNG: " + e.getMessage(), e);
        }
        return MimeBundle.text("BufferedImage " + image.getWidth() + "x" + image.getHeight())
                .with(MimeBundle.IMAGE_PNG, out.toByteArray());
    }
}
