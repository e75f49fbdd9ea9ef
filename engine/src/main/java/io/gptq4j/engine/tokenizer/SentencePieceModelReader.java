package io.gptq4j.engine.tokenizer;

import io.gptq4j.engine.io.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a SentencePiece {@code .model} file (a serialized {@code ModelProto}): the pieces with
 * score and type, the trainer spec's model type and special ids, and the normalizer flags
 * {@code add_dummy_prefix}, {@code remove_extra_whitespaces} and {@code escape_whitespaces}.
 * Field numbers follow sentencepiece_model.proto.
 */
public final class SentencePieceModelReader {
    private static final Logger LOG = LoggerFactory.getLogger(SentencePieceModelReader.class);
    /** Real models are a few MB; anything larger is rejected before it is read. */
    static final long MAX_BYTES = 256L * 1024 * 1024;
    private static final int BPE = 2;

    private SentencePieceModelReader() {
    }

    /** Reads the vocabulary of a BPE {@code .model} file. */
    public static Vocabulary read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new ModelFormatException(file, "file has " + size + " bytes, more than a SentencePiece model ("
                    + MAX_BYTES + " bytes at most)");
        }

        byte[] data = Files.readAllBytes(file);
        ProtobufReader model = new ProtobufReader(file, data, 0, data.length);
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<PieceType> types = new ArrayList<>();
        Trainer trainer = new Trainer();
        Normalizer normalizer = new Normalizer();
        while (model.hasMore()) {
            int tag = model.readTag();
            switch (tag >>> 3) {
                case 1 -> readPiece(file, model.readMessage(), pieces, scores, types);
                case 2 -> trainer.read(model.readMessage());
                case 3 -> normalizer.read(model.readMessage());
                default -> model.skip(tag & 7);
            }
        }

        if (pieces.isEmpty()) {
            throw new ModelFormatException(file, "SentencePiece model has no pieces; the file is not a .model file");
        }
        if (trainer.modelType != BPE) {
            throw new ModelFormatException(file, "SentencePiece model type " + trainer.modelType
                    + " is not supported; only BPE (type 2) models can be loaded");
        }
        if (!normalizer.escapeWhitespaces) {
            // NOTE: all LLaMA-family models escape spaces; without escaping, spaces stay U+0020 in pieces.
            LOG.warn("{}: escape_whitespaces is false; spaces are still matched as U+2581", file);
        }
        if (!"identity".equals(normalizer.name) && !normalizer.name.isEmpty()) {
            // NOTE: Unicode normalization rules (nmt_nfkc and others) are not applied.
            LOG.warn("{}: normalization rule '{}' is not applied; text is used as-is", file, normalizer.name);
        }

        float[] scoreArray = new float[scores.size()];
        for (int i = 0; i < scoreArray.length; i++) {
            scoreArray[i] = scores.get(i);
        }
        try {
            return new Vocabulary(pieces, scoreArray, types, special(trainer.unkId, pieces.size()),
                    special(trainer.bosId, pieces.size()), special(trainer.eosId, pieces.size()),
                    normalizer.addDummyPrefix, normalizer.removeExtraWhitespaces);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "invalid SentencePiece model: " + e.getMessage(), e);
        }
    }

    private static int special(long id, int size) {
        return id >= 0 && id < size ? (int) id : -1;
    }

    private static void readPiece(Path file, ProtobufReader msg, List<String> pieces, List<Float> scores,
            List<PieceType> types) {
        String piece = null;
        float score = 0;
        PieceType type = PieceType.NORMAL;
        while (msg.hasMore()) {
            int tag = msg.readTag();
            switch (tag) {
                case (1 << 3) | ProtobufReader.LENGTH_DELIMITED -> piece = msg.readString();
                case (2 << 3) | ProtobufReader.FIXED32 -> score = msg.readFixed32Float();
                case (3 << 3) | ProtobufReader.VARINT -> type = pieceType(file, msg, msg.readVarint(), pieces.size());
                default -> msg.skip(tag & 7);
            }
        }
        if (piece == null) {
            throw new ModelFormatException(file, "piece " + pieces.size() + " has no text");
        }
        pieces.add(piece);
        scores.add(score);
        types.add(type);
    }

    private static PieceType pieceType(Path file, ProtobufReader msg, long id, int index) {
        try {
            return PieceType.byId((int) id);
        } catch (IllegalArgumentException e) {
            throw msg.invalid("piece " + index + " has unknown type " + id);
        }
    }

    /** The TrainerSpec fields used here, with their proto defaults. */
    private static final class Trainer {
        long modelType = 1;
        long unkId = 0;
        long bosId = 1;
        long eosId = 2;

        void read(ProtobufReader msg) {
            while (msg.hasMore()) {
                int tag = msg.readTag();
                if ((tag & 7) != ProtobufReader.VARINT) {
                    msg.skip(tag & 7);
                    continue;
                }
                long value = msg.readVarint();
                switch (tag >>> 3) {
                    case 3 -> modelType = value;
                    case 40 -> unkId = (int) value;
                    case 41 -> bosId = (int) value;
                    case 42 -> eosId = (int) value;
                    default -> {
                    }
                }
            }
        }
    }

    /** The NormalizerSpec fields used here, with their proto defaults. */
    private static final class Normalizer {
        String name = "";
        boolean addDummyPrefix = true;
        boolean removeExtraWhitespaces = true;
        boolean escapeWhitespaces = true;

        void read(ProtobufReader msg) {
            while (msg.hasMore()) {
                int tag = msg.readTag();
                switch (tag) {
                    case (1 << 3) | ProtobufReader.LENGTH_DELIMITED -> name = msg.readString();
                    case (3 << 3) | ProtobufReader.VARINT -> addDummyPrefix = msg.readVarint() != 0;
                    case (4 << 3) | ProtobufReader.VARINT -> removeExtraWhitespaces = msg.readVarint() != 0;
                    case (5 << 3) | ProtobufReader.VARINT -> escapeWhitespaces = msg.readVarint() != 0;
                    default -> msg.skip(tag & 7);
                }
            }
        }
    }
}
