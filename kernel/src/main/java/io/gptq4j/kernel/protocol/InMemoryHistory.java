package io.gptq4j.kernel.protocol;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

/** Cell inputs of this kernel process, for {@code history_request}; session number 1. */
public final class InMemoryHistory implements HistoryManager {

    private static final int SESSION = 1;
    private final List<HistoryEntry> entries = new ArrayList<>();

    public synchronized void add(int executionCount, String input) {
        entries.add(new HistoryEntry(SESSION, executionCount, input, null));
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
        int from = Math.max(0, entries.size() - Math.max(0, length));
        return new ArrayList<>(entries.subList(from, entries.size()));
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
        List<HistoryEntry> range = new ArrayList<>();
        for (HistoryEntry entry : entries) {
            if (entry.getCellNumber() >= start && (stop <= 0 || entry.getCellNumber() < stop)) {
                range.add(entry);
            }
        }
        return range;
    }

    /** Matches {@code pattern} as a glob ({@code *}, {@code ?}) against whole inputs, newest last. */
    @Override
    public synchronized List<HistoryEntry> search(String pattern, int length, Set<ResultFlag> flags) {
        Pattern glob = Pattern.compile(globToRegex(pattern), Pattern.DOTALL);
        List<HistoryEntry> matches = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            HistoryEntry entry = entries.get(i);
            if (glob.matcher(entry.getInput()).matches()
                    && (!flags.contains(ResultFlag.UNIQUE) || seen.add(entry.getInput()))) {
                matches.add(0, entry);
            }
        }
        int from = length > 0 ? Math.max(0, matches.size() - length) : 0;
        return matches.subList(from, matches.size());
    }

    private static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
