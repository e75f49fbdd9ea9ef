package io.gptq4j.engine.io.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gptq4j.engine.tokenizer.PieceType;
import io.gptq4j.engine.tokenizer.Vocabulary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a Hugging Face {@code tokenizer.json} from a SentencePiece BPE vocabulary (pieces, scores,
 * piece types), as {@code LlamaTokenizerFast} lays it out: a BPE model with byte fallback, the
 * normalizer {@code Prepend("▁")} + {@code Replace(" ", "▁")} and a template that adds BOS.
 * SentencePiece merges the adjacent pair whose concatenation is the highest-scoring normal piece;
 * the equivalent BPE merge list contains every pair (a, b) of pieces with a+b a normal piece, ranked
 * by that piece's score. NOTE: unlike SentencePiece with {@code remove_extra_whitespaces}, this
 * normalizer does not collapse runs of spaces, as llama.cpp and llama2.c do not.
 */
public final class LlamaTokenizerJson {
    private LlamaTokenizerJson() {
    }

    /** Returns the JSON document for a SentencePiece BPE vocabulary. */
    public static String build(Vocabulary vocabulary) {
        List<String> pieces = vocabulary.pieces();
        float[] scores = vocabulary.scores();
        List<PieceType> types = vocabulary.types();
        int unkId = Math.max(vocabulary.unkId(), 0);
        int bosId = vocabulary.bosId();
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");

        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < pieces.size(); id++) {
            PieceType type = types.get(id);
            if (type == PieceType.CONTROL || type == PieceType.UNKNOWN || type == PieceType.USER_DEFINED) {
                ObjectNode t = added.addObject();
                t.put("id", id).put("content", pieces.get(id)).put("single_word", false).put("lstrip", false)
                        .put("rstrip", false).put("normalized", false).put("special", type != PieceType.USER_DEFINED);
            }
        }

        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode norms = normalizer.putArray("normalizers");
        norms.addObject().put("type", "Prepend").put("prepend", "\u2581");
        ObjectNode replace = norms.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", "\u2581");

        root.putNull("pre_tokenizer");
        root.set("post_processor", bosTemplate(mapper, bosId >= 0 ? pieces.get(bosId) : null, bosId));
        root.set("decoder", decoder(mapper));
        root.set("model", bpeModel(mapper, pieces, scores, types, unkId));
        return root.toString();
    }

    private static ObjectNode bosTemplate(ObjectMapper mapper, String bos, int bosId) {
        ObjectNode p = mapper.createObjectNode();
        p.put("type", "TemplateProcessing");
        ArrayNode single = p.putArray("single");
        ArrayNode pair = p.putArray("pair");
        if (bos != null) {
            single.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
            pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        }
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        if (bos != null) {
            pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 1);
        }
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode special = p.putObject("special_tokens");
        if (bos != null) {
            ObjectNode b = special.putObject(bos);
            b.put("id", bos);
            b.putArray("ids").add(bosId);
            b.putArray("tokens").add(bos);
        }
        return p;
    }

    private static ObjectNode decoder(ObjectMapper mapper) {
        ObjectNode d = mapper.createObjectNode();
        d.put("type", "Sequence");
        ArrayNode list = d.putArray("decoders");
        ObjectNode replace = list.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", "\u2581");
        replace.put("content", " ");
        list.addObject().put("type", "ByteFallback");
        list.addObject().put("type", "Fuse");
        list.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        return d;
    }

    private static ObjectNode bpeModel(ObjectMapper mapper, List<String> pieces, float[] scores, List<PieceType> types,
                                       int unkId) {
        ObjectNode m = mapper.createObjectNode();
        m.put("type", "BPE");
        m.putNull("dropout");
        m.put("unk_token", pieces.get(unkId));
        m.putNull("continuing_subword_prefix");
        m.putNull("end_of_word_suffix");
        m.put("fuse_unk", true);
        m.put("byte_fallback", true);
        m.put("ignore_merges", false);
        ObjectNode vocab = m.putObject("vocab");
        for (int id = 0; id < pieces.size(); id++) {
            vocab.put(pieces.get(id), id);
        }
        ArrayNode merges = m.putArray("merges");
        for (int[] merge : merges(pieces, scores, types)) {
            merges.add(pieces.get(merge[0]) + " " + pieces.get(merge[1]));
        }
        return m;
    }

    /** Pairs (left id, right id, merged id), ordered by the merged piece's score, then by left and right id. */
    static List<int[]> merges(List<String> pieces, float[] scores, List<PieceType> types) {
        Map<String, Integer> normal = new HashMap<>();
        for (int id = 0; id < pieces.size(); id++) {
            if (types.get(id) == PieceType.NORMAL || types.get(id) == PieceType.USER_DEFINED) {
                normal.put(pieces.get(id), id);
            }
        }
        List<int[]> out = new ArrayList<>();
        for (Map.Entry<String, Integer> e : normal.entrySet()) {
            String piece = e.getKey();
            if (types.get(e.getValue()) != PieceType.NORMAL) {
                continue;
            }
            for (int cut = piece.offsetByCodePoints(0, 1); cut < piece.length(); cut = piece.offsetByCodePoints(cut, 1)) {
                Integer left = normal.get(piece.substring(0, cut));
                Integer right = normal.get(piece.substring(cut));
                if (left != null && right != null) {
                    out.add(new int[] {left, right, e.getValue()});
                }
            }
        }
        out.sort(Comparator.<int[]>comparingDouble(m -> -scores[m[2]])
                .thenComparingInt(m -> m[2])
                .thenComparingInt(m -> m[0])
                .thenComparingInt(m -> m[1]));
        return out;
    }
}
