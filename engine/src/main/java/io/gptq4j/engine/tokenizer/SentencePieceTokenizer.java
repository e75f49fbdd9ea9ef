package io.gptq4j.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SentencePiece BPE tokenizer with LLaMA conventions: optional removal of extra spaces, a dummy
 * prefix space, spaces escaped as {@code ▁} (U+2581), BPE merges by score, and byte fallback to
 * {@code <0xNN>} pieces for characters that are not pieces.
 *
 * <p>Decoding maps byte pieces to raw bytes and other pieces to their text with {@code ▁} as a
 * space, drops control pieces (BOS, EOS), removes the dummy-prefix space from the first piece and
 * decodes the bytes as UTF-8, with U+FFFD for invalid sequences.
 */
public final class SentencePieceTokenizer implements Tokenizer {
    /** The space marker of SentencePiece. */
    public static final char SPACE_MARKER = '\u2581';
    /** Surface of the unknown piece, as SentencePiece decodes it. */
    private static final byte[] UNKNOWN_SURFACE = " \u2047 ".getBytes(StandardCharsets.UTF_8);

    /** Bounds of the cache of encoded words; typical text has a few thousand distinct words. */
    private static final int MAX_CACHED_WORDS = 1 << 16;
    private static final int MAX_CACHED_WORD_CHARS = 64;

    private final Vocabulary vocab;
    private final BpeMerger merger;
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();
    /** Piece id of each byte value, or -1 when the vocabulary lacks that byte piece. */
    private final int[] bytePieces = new int[256];
    /** Decoded bytes of each piece; empty for control pieces. */
    private final byte[][] surfaces;

    public SentencePieceTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.merger = new BpeMerger(vocab);
        Arrays.fill(bytePieces, -1);
        surfaces = new byte[vocab.size()][];
        for (int id = 0; id < vocab.size(); id++) {
            surfaces[id] = surface(id);
        }
    }

    private byte[] surface(int id) {
        String piece = vocab.pieces().get(id);
        switch (vocab.types().get(id)) {
            case CONTROL:
                return new byte[0];
            case UNKNOWN:
                return UNKNOWN_SURFACE;
            case BYTE:
                int value = byteValue(piece);
                if (value >= 0) {
                    bytePieces[value] = bytePieces[value] < 0 ? id : bytePieces[value];
                    return new byte[] {(byte) value};
                }
                return piece.getBytes(StandardCharsets.UTF_8);
            default:
                return piece.replace(SPACE_MARKER, ' ').getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Parses {@code <0xNN>} to its byte value, or returns -1. */
    static int byteValue(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(piece.charAt(3), 16);
        int lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    /** The vocabulary and flags this tokenizer was built from. */
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encode(String text) {
        String normalized = normalize(text);
        if (normalized.isEmpty()) {
            return new int[0];
        }
        if (!merger.wordsAreIndependent()) {
            return encodeSegment(normalized);
        }
        IntList ids = new IntList(normalized.length());
        int start = 0;
        for (int i = 1; i <= normalized.length(); i++) {
            if (i == normalized.length()
                    || (normalized.charAt(i) == SPACE_MARKER && normalized.charAt(i - 1) != SPACE_MARKER)) {
                ids.addAll(encodeWord(normalized.substring(start, i)));
                start = i;
            }
        }
        return ids.toArray();
    }

    /** Encodes one word through the cache; the returned array is shared and must not be changed. */
    private int[] encodeWord(String word) {
        if (word.length() > MAX_CACHED_WORD_CHARS) {
            return encodeSegment(word);
        }
        int[] ids = wordCache.get(word);
        if (ids == null) {
            ids = encodeSegment(word);
            if (wordCache.size() < MAX_CACHED_WORDS) {
                wordCache.put(word, ids);
            }
        }
        return ids;
    }

    /** Merges a normalized segment and applies byte fallback to what is left. */
    private int[] encodeSegment(String normalized) {
        int[] symbols = merger.merge(normalized.codePoints().toArray());
        // A symbol that is not a piece is one code point, which takes at most 4 UTF-8 bytes.
        int[] ids = new int[symbols.length * 4];
        int count = 0;
        for (int symbol : symbols) {
            if (symbol >= 0) {
                ids[count++] = symbol;
                continue;
            }
            byte[] utf8 = new String(Character.toChars(-1 - symbol)).getBytes(StandardCharsets.UTF_8);
            for (byte b : utf8) {
                int id = bytePieces[b & 0xFF];
                ids[count++] = id >= 0 ? id : vocab.unkId();
            }
        }
        return Arrays.copyOf(ids, count);
    }

    /** Applies whitespace removal, the dummy prefix and space escaping; returns "" when nothing is left. */
    String normalize(String text) {
        String s = vocab.removeExtraWhitespaces() ? collapseSpaces(text) : text;
        if (s.isEmpty()) {
            return s;
        }
        if (vocab.addDummyPrefix()) {
            s = " " + s;
        }
        return s.replace(' ', SPACE_MARKER);
    }

    /** Drops leading and trailing U+0020 and turns every run of them into one; other whitespace is kept. */
    private static String collapseSpaces(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                pendingSpace = sb.length() > 0;
                continue;
            }
            if (pendingSpace) {
                sb.append(' ');
                pendingSpace = false;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        boolean first = true;
        for (int id : ids) {
            byte[] bytes = surfaces[checkId(id)];
            if (bytes.length == 0) {
                continue;
            }
            int skip = first && vocab.addDummyPrefix() && startsWithSpace(id) ? 1 : 0;
            out.write(bytes, skip, bytes.length - skip);
            first = false;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Decodes one id as llama2.c does when streaming: the piece's leading space is dropped when it
     * directly follows BOS (or {@code previous} is negative, meaning start of text).
     */
    @Override
    public String decodePiece(int previous, int id) {
        return new String(decodePieceBytes(previous, id), StandardCharsets.UTF_8);
    }

    /** Returns the raw bytes of one piece as {@link #decodePiece} places them; a byte piece gives one byte. */
    @Override
    public byte[] decodePieceBytes(int previous, int id) {
        byte[] bytes = surfaces[checkId(id)];
        if ((previous < 0 || previous == vocab.bosId()) && startsWithSpace(id)) {
            return Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return bytes.clone();
    }

    private boolean startsWithSpace(int id) {
        return vocab.types().get(id) != PieceType.BYTE && surfaces[id].length > 0 && surfaces[id][0] == ' ';
    }

    private int checkId(int id) {
        if (id < 0 || id >= surfaces.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + surfaces.length);
        }
        return id;
    }

    /** Returns the piece text of an id, e.g. {@code ▁Once}. */
    public String piece(int id) {
        return vocab.pieces().get(checkId(id));
    }

    /** Growable int array. */
    private static final class IntList {
        private int[] items;
        private int size;

        IntList(int capacity) {
            items = new int[Math.max(16, capacity)];
        }

        void addAll(int[] values) {
            if (size + values.length > items.length) {
                items = Arrays.copyOf(items, Math.max(items.length * 2, size + values.length));
            }
            System.arraycopy(values, 0, items, size, values.length);
            size += values.length;
        }

        int[] toArray() {
            return Arrays.copyOf(items, size);
        }
    }

    @Override
    public int bosId() {
        return vocab.bosId();
    }

    @Override
    public int eosId() {
        return vocab.eosId();
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }
}
