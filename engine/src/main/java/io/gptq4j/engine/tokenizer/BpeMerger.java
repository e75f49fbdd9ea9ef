package io.gptq4j.engine.tokenizer;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * SentencePiece BPE merging: starting from single code points, repeatedly merge the adjacent
 * pair whose concatenation is a mergeable piece with the highest score, the leftmost pair on ties.
 *
 * <p>Runs in O(n log n): symbols form a linked list and candidate pairs sit in a heap keyed by
 * (score rank, left position). Stale heap entries are dropped when popped. Pairs are looked up by
 * symbol ids, not strings: every symbol is either a mergeable piece or a single code point, so
 * each piece is indexed once under each split into two such parts.
 */
final class BpeMerger {
    private final int vocabSize;
    /** Symbol id of each code point that can take part in a merge; ids >= vocabSize are not pieces. */
    private final Map<Integer, Integer> codePointSymbols = new HashMap<>();
    /** {@link #codePointSymbols} for the Basic Multilingual Plane, -1 where absent. */
    private final int[] bmpSymbols = new int[Character.MAX_VALUE + 1];
    /** (left symbol << 32 | right symbol) to merged piece id. */
    private final LongIntMap pairs;
    /** Dense rank of each piece's score, 0 for the highest; equal scores share a rank. */
    private final int[] rank;
    /** True when no mergeable piece has {@code ▁} after another character; see {@link #wordsAreIndependent}. */
    private final boolean wordsAreIndependent;

    BpeMerger(Vocabulary vocab) {
        vocabSize = vocab.size();
        Map<String, Integer> mergeable = new HashMap<>();
        for (int id = 0; id < vocabSize; id++) {
            if (vocab.types().get(id).mergeable()) {
                mergeable.putIfAbsent(vocab.pieces().get(id), id);
            }
        }
        for (Map.Entry<String, Integer> e : mergeable.entrySet()) {
            String piece = e.getKey();
            if (piece.codePointCount(0, piece.length()) == 1) {
                codePointSymbols.put(piece.codePointAt(0), e.getValue());
            }
        }
        pairs = new LongIntMap(4 * mergeable.size());
        for (Map.Entry<String, Integer> e : mergeable.entrySet()) {
            indexSplits(e.getKey(), e.getValue(), mergeable);
        }
        Arrays.fill(bmpSymbols, -1);
        codePointSymbols.forEach((cp, symbol) -> {
            if (cp <= Character.MAX_VALUE) {
                bmpSymbols[cp] = symbol;
            }
        });
        rank = ranks(vocab);
        wordsAreIndependent = mergeable.keySet().stream().noneMatch(BpeMerger::hasInnerSpace);
    }

    private static boolean hasInnerSpace(String piece) {
        int i = 0;
        while (i < piece.length() && piece.charAt(i) == SentencePieceTokenizer.SPACE_MARKER) {
            i++;
        }
        return piece.indexOf(SentencePieceTokenizer.SPACE_MARKER, i) >= 0;
    }

    /**
     * True when words ({@code ▁*} followed by other characters) can be merged one at a time: no
     * merge can cross the boundary before a {@code ▁} that follows another character, because no
     * piece contains such a sequence. Holds for SentencePiece models trained with the default
     * whitespace splitting.
     */
    boolean wordsAreIndependent() {
        return wordsAreIndependent;
    }

    private void indexSplits(String piece, int id, Map<String, Integer> mergeable) {
        for (int split = piece.offsetByCodePoints(0, 1); split < piece.length(); split = piece.offsetByCodePoints(split, 1)) {
            int left = symbolOf(piece.substring(0, split), mergeable);
            int right = symbolOf(piece.substring(split), mergeable);
            if (left >= 0 && right >= 0) {
                pairs.put(key(left, right), id);
            }
        }
    }

    /** Returns the symbol id of a piece or single code point, creating ids for code points that are not pieces. */
    private int symbolOf(String part, Map<String, Integer> mergeable) {
        Integer id = mergeable.get(part);
        if (id != null) {
            return id;
        }
        if (part.codePointCount(0, part.length()) != 1) {
            return -1;
        }
        return codePointSymbols.computeIfAbsent(part.codePointAt(0), cp -> vocabSize + codePointSymbols.size());
    }

    private static int[] ranks(Vocabulary vocab) {
        int[] rank = new int[vocab.size()];
        Integer[] order = IntStream.range(0, vocab.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(id -> -vocab.score(id)));
        int r = -1;
        float previous = Float.NaN;
        for (int id : order) {
            if (Float.compare(vocab.score(id), previous) != 0) {
                r++;
                previous = vocab.score(id);
            }
            rank[id] = r;
        }
        return rank;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /**
     * Merges the code points and returns one entry per final symbol: its piece id when it is a
     * piece, otherwise {@code -1 - codePoint} (the caller emits its bytes).
     */
    int[] merge(int[] codePoints) {
        int n = codePoints.length;
        int[] symbol = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            int cp = codePoints[i];
            symbol[i] = cp <= Character.MAX_VALUE ? bmpSymbols[cp] : codePointSymbols.getOrDefault(cp, -1);
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(Math.max(16, n));
        for (int i = 0; i + 1 < n; i++) {
            pushPair(heap, symbol, next, i);
        }
        while (!heap.isEmpty()) {
            long entry = heap.pop();
            int left = (int) entry;
            int right = next[left];
            if (dead[left] || right < 0) {
                continue;
            }
            int merged = mergedPiece(symbol[left], symbol[right]);
            if (merged < 0 || rank[merged] != (int) (entry >>> 32)) {
                continue; // stale: one side changed since this pair was queued
            }
            symbol[left] = merged;
            dead[right] = true;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                pushPair(heap, symbol, next, prev[left]);
            }
            pushPair(heap, symbol, next, left);
        }
        return collect(codePoints, symbol, next, n);
    }

    private int[] collect(int[] codePoints, int[] symbol, int[] next, int n) {
        int count = 0;
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            count++;
        }
        int[] out = new int[count];
        int k = 0;
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            boolean isPiece = symbol[i] >= 0 && symbol[i] < vocabSize;
            out[k++] = isPiece ? symbol[i] : -1 - codePoints[i];
        }
        return out;
    }

    private void pushPair(LongHeap heap, int[] symbol, int[] next, int left) {
        int right = next[left];
        if (right < 0) {
            return;
        }
        int merged = mergedPiece(symbol[left], symbol[right]);
        if (merged >= 0) {
            heap.push(((long) rank[merged] << 32) | left);
        }
    }

    private int mergedPiece(int left, int right) {
        if (left < 0 || right < 0) {
            return -1;
        }
        return pairs.get(key(left, right));
    }

    /** Binary min-heap of longs. */
    private static final class LongHeap {
        private long[] items;
        private int size;

        LongHeap(int capacity) {
            items = new long[capacity];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long value) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (items[parent] <= value) {
                    break;
                }
                items[i] = items[parent];
                i = parent;
            }
            items[i] = value;
        }

        long pop() {
            long top = items[0];
            long last = items[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && items[child + 1] < items[child]) {
                    child++;
                }
                if (items[child] >= last) {
                    break;
                }
                items[i] = items[child];
                i = child;
            }
            items[i] = last;
            return top;
        }
    }
}
