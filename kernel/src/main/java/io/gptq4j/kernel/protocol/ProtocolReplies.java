package io.gptq4j.kernel.protocol;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.comm.Comm;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.request.CommInfoRequest;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;

/**
 * Replies that jjava-jupyter 1.0-a6 sends in a shape the messaging spec (5.3) does not allow:
 * {@code comm_info_reply} without {@code status}, and {@code history_reply} entries as objects
 * instead of {@code [session, line_number, input]} lists.
 */
public final class ProtocolReplies {

    private ProtocolReplies() {
    }

    /** Content of {@code comm_info_reply}; fields are serialized by name. */
    static final class CommInfoContent implements ContentType<CommInfoContent> {
        @SuppressWarnings("unused")
        private final String status = "ok";
        @SuppressWarnings("unused")
        private final Map<String, Map<String, String>> comms;

        CommInfoContent(Map<String, Map<String, String>> comms) {
            this.comms = comms;
        }

        @Override
        @SuppressWarnings("unchecked")
        public MessageType<CommInfoContent> getType() {
            return (MessageType<CommInfoContent>) (MessageType<?>) MessageType.COMM_INFO_REPLY;
        }
    }

    /** Content of {@code history_reply}. */
    static final class HistoryContent implements ContentType<HistoryContent> {
        @SuppressWarnings("unused")
        private final String status = "ok";
        @SuppressWarnings("unused")
        private final List<List<Object>> history;

        HistoryContent(List<List<Object>> history) {
            this.history = history;
        }

        @Override
        @SuppressWarnings("unchecked")
        public MessageType<HistoryContent> getType() {
            return (MessageType<HistoryContent>) (MessageType<?>) MessageType.HISTORY_REPLY;
        }
    }

    /** Replies to {@code comm_info_request} with the open comms, filtered by target name if given. */
    public static void commInfo(CommManager comms, ShellReplyEnvironment env, Message<CommInfoRequest> request) {
        env.setBusyDeferIdle();
        String target = request.getContent() == null ? null : request.getContent().getTargetName();
        Map<String, Map<String, String>> open = new LinkedHashMap<>();
        for (Comm comm : comms) {
            if (!comm.isClosed() && (target == null || target.equals(comm.getTargetName()))) {
                open.put(comm.getID(), Map.of("target_name", comm.getTargetName()));
            }
        }
        env.reply(new CommInfoContent(open));
    }

    /** Replies to a {@code history_request} (tail, range or search) from {@code manager}. */
    public static void history(HistoryManager manager, ShellReplyEnvironment env, Message<HistoryRequest> message) {
        env.setBusyDeferIdle();
        HistoryRequest request = message.getContent();
        Set<HistoryManager.ResultFlag> flags = EnumSet.noneOf(HistoryManager.ResultFlag.class);
        List<HistoryEntry> entries = switch (request.getAccessType()) {
            case TAIL -> manager.lookupTail(((HistoryRequest.Tail) request).getMaxReturnLength(), flags);
            case RANGE -> {
                HistoryRequest.Range range = (HistoryRequest.Range) request;
                yield manager.lookupRange(range.getSessionIndex(), range.getStart(), range.getStop(), flags);
            }
            case SEARCH -> {
                HistoryRequest.Search search = (HistoryRequest.Search) request;
                if (search.filterUnique()) {
                    flags.add(HistoryManager.ResultFlag.UNIQUE);
                }
                yield manager.search(search.getPattern(), search.getMaxReturnLength(), flags);
            }
        };
        List<List<Object>> rows = new ArrayList<>();
        for (HistoryEntry entry : entries) {
            rows.add(List.of(entry.getSession(), entry.getCellNumber(), entry.getInput()));
        }
        env.reply(new HistoryContent(rows));
    }
}
