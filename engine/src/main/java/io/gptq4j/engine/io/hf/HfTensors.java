package io.gptq4j.engine.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gptq4j.engine.io.ModelFormatException;
import io.gptq4j.engine.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of a Hugging Face model directory: one {@code model.safetensors}, or shards listed
 * in {@code model.safetensors.index.json} under {@code weight_map}. Tensor data stays
 * memory-mapped until a tensor is read.
 */
public final class HfTensors {
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private final Path dir;
    private final Map<String, SafeTensors> byTensor;

    private HfTensors(Path dir, Map<String, SafeTensors> byTensor) {
        this.dir = dir;
        this.byTensor = byTensor;
    }

    /** Returns whether {@code dir} contains safetensors weights in one of the two layouts. */
    public static boolean present(Path dir) {
        return Files.isRegularFile(dir.resolve(SINGLE)) || Files.isRegularFile(dir.resolve(INDEX));
    }

    /** Opens the weights of {@code dir}, validating every file's header and the index. */
    public static HfTensors open(Path dir) throws IOException {
        Map<String, SafeTensors> byTensor = new LinkedHashMap<>();
        if (Files.isRegularFile(dir.resolve(INDEX))) {
            openSharded(dir, byTensor);
        } else if (Files.isRegularFile(dir.resolve(SINGLE))) {
            SafeTensors st = SafeTensors.open(dir.resolve(SINGLE));
            st.tensors().keySet().forEach(name -> byTensor.put(name, st));
        } else {
            throw new ModelFormatException(dir, "no " + SINGLE + " or " + INDEX);
        }
        return new HfTensors(dir, byTensor);
    }

    private static void openSharded(Path dir, Map<String, SafeTensors> byTensor) throws IOException {
        Path index = dir.resolve(INDEX);
        JsonNode weightMap;
        try {
            weightMap = new ObjectMapper().readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new ModelFormatException(index, "invalid JSON: " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject()) {
            throw new ModelFormatException(index, "missing object 'weight_map' (tensor name -> shard file)");
        }
        Map<String, SafeTensors> shards = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String shardName = e.getValue().asText();
            Path shard = dir.resolve(shardName).normalize();
            if (!e.getValue().isTextual() || !shard.getParent().equals(dir.normalize())) {
                throw new ModelFormatException(index, "weight_map entry '" + e.getKey() + "' names shard '"
                        + e.getValue() + "', which is not a file name inside the model directory");
            }
            SafeTensors st = shards.get(shardName);
            if (st == null) {
                if (!Files.isRegularFile(shard)) {
                    throw new ModelFormatException(index, "shard '" + shardName + "' listed for tensor '" + e.getKey()
                            + "' does not exist; the download is incomplete");
                }
                st = SafeTensors.open(shard);
                shards.put(shardName, st);
            }
            if (!st.contains(e.getKey())) {
                throw new ModelFormatException(shard, "weight_map lists tensor '" + e.getKey()
                        + "' in this shard, but the shard does not contain it");
            }
            byTensor.put(e.getKey(), st);
        }
    }

    public Path dir() {
        return dir;
    }

    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    /** Tensor names in file order. */
    public Iterable<String> names() {
        return byTensor.keySet();
    }

    /** Header entry of a tensor; throws naming the directory and the tensor when it is missing. */
    public SafeTensors.TensorInfo info(String name) {
        SafeTensors st = byTensor.get(name);
        if (st == null) {
            throw new ModelFormatException(dir, "missing tensor '" + name + "'");
        }
        return st.info(name);
    }

    /**
     * Reads a floating-point tensor as float32 after checking its shape.
     *
     * @throws ModelFormatException naming the file, the tensor, its shape and the expected one
     */
    public float[] floats(String name, long... expectedShape) throws IOException {
        checkShape(name, expectedShape);
        return byTensor.get(name).floats(name);
    }

    /** Reads an I32 tensor after checking its shape. */
    public int[] ints(String name, long... expectedShape) throws IOException {
        checkShape(name, expectedShape);
        return byTensor.get(name).ints(name);
    }

    /** Reads an F16 tensor as raw binary16 bits after checking its shape. */
    public short[] halfBits(String name, long... expectedShape) throws IOException {
        checkShape(name, expectedShape);
        return byTensor.get(name).halfBits(name);
    }

    private void checkShape(String name, long[] expected) {
        SafeTensors.TensorInfo t = info(name);
        if (!Arrays.equals(t.shape(), expected)) {
            throw new ModelFormatException(byTensor.get(name).file(), "tensor '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + " but config.json implies " + Arrays.toString(expected)
                    + "; config.json and the weights do not belong together");
        }
    }
}
