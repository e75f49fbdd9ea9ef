package io.gptq4j.engine.model;

import java.util.Objects;

/**
 * A dense layer {@code y = W x + b} with {@code W} of shape (outFeatures, inFeatures), row-major,
 * like PyTorch {@code nn.Linear}. The weight array is replaced, never written in place, when a
 * module is quantized, so a caller that kept the old array keeps the old weights.
 */
public final class Linear {
    private final String name;
    private final int outFeatures;
    private final int inFeatures;
    private volatile float[] weight;
    private final float[] bias;

    /**
     * @param name        full name for messages, e.g. {@code model.layers.3.mlp.down_proj}
     * @param outFeatures rows of the weight
     * @param inFeatures  columns of the weight
     * @param weight      row-major weights, length outFeatures * inFeatures
     * @param bias        length outFeatures, or null
     */
    public Linear(String name, int outFeatures, int inFeatures, float[] weight, float[] bias) {
        this.name = Objects.requireNonNull(name, "name");
        this.outFeatures = outFeatures;
        this.inFeatures = inFeatures;
        checkWeight(weight);
        if (bias != null && bias.length != outFeatures) {
            throw new IllegalArgumentException(name + ": bias has " + bias.length
                    + " elements, expected " + outFeatures);
        }
        this.weight = weight;
        this.bias = bias;
    }

    public String name() {
        return name;
    }

    public int outFeatures() {
        return outFeatures;
    }

    public int inFeatures() {
        return inFeatures;
    }

    /** The current weights; treat as read-only and use {@link #setWeight} to change them. */
    public float[] weight() {
        return weight;
    }

    public float[] bias() {
        return bias;
    }

    /** Replaces the weights with a new array of the same shape. */
    public void setWeight(float[] newWeight) {
        checkWeight(newWeight);
        this.weight = newWeight;
    }

    private void checkWeight(float[] w) {
        Objects.requireNonNull(w, "weight");
        if ((long) outFeatures * inFeatures != w.length) {
            throw new IllegalArgumentException(name + ": weight has " + w.length + " elements, expected "
                    + outFeatures + " x " + inFeatures);
        }
    }
}
