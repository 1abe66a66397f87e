package io.siyu.core.sop;

import io.siyu.core.sop.Chain.OpenDispatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Packs one commit's recipients into dispatches so that each sender's WeCom calls are the physical
 * minimum, ceil(recipients / per-call maximum): a sender's dispatch is sealed only when it holds
 * the maximum, or when the source is exhausted. Recipients go to pages of at most
 * {@code pageSize} ids (a stored item must stay well under DynamoDB's 400 KB), and a commit
 * writes at most {@code maxWrites} pages and heads (a transaction holds at most 100 items).
 */
public final class DispatchFiller {

    private final String chainKey;
    private final RunId run;
    private final ChatType chatType;
    /** Per sender, the content its dispatches carry (the same for all, unless links are tracked). */
    private final Function<String, Content> content;
    private final int perCall;
    private final int pageSize;
    private final int maxWrites;
    private final Map<String, OpenDispatch> open;
    /** Per sender, the page this commit is filling. */
    private final Map<String, Buffer> buffers = new LinkedHashMap<>();
    private final List<RecipientPage> pages = new ArrayList<>();
    private final List<DispatchHead> sealed = new ArrayList<>();
    private int writes;
    private int accepted;

    private record Buffer(int number, int page, List<String> ids) {}

    public DispatchFiller(Chain chain, ChatType chatType, Content content, int perCall, int pageSize, int maxWrites) {
        this(chain, chatType, sender -> content, perCall, pageSize, maxWrites);
    }

    /**
     * As above, with the content per sender: tracked links (io.siyu.core.links.LinkRewriter) give
     * each sender's calls their own codes. It is asked for when a dispatch is sealed.
     */
    public DispatchFiller(Chain chain, ChatType chatType, Function<String, Content> content, int perCall, int pageSize,
                          int maxWrites) {
        if (perCall < 1 || pageSize < 1 || maxWrites < 3) {
            throw new IllegalArgumentException("perCall, pageSize >= 1 and maxWrites >= 3");
        }
        this.chainKey = chain.key();
        this.run = chain.run();
        this.chatType = chatType;
        this.content = java.util.Objects.requireNonNull(content);
        this.perCall = perCall;
        this.pageSize = pageSize;
        this.maxWrites = maxWrites;
        this.open = new LinkedHashMap<>(chain.open());
    }

    /**
     * Adds a recipient for {@code sender}; false (and nothing added) when this commit has no room
     * left for the writes it could need: the caller commits and offers it again in the next.
     */
    public boolean offer(String sender, String id) {
        if (writes + 2 > maxWrites) {
            return false; // a new page and a seal at most
        }
        OpenDispatch d = open.getOrDefault(sender, new OpenDispatch(1, 0, 0));
        Buffer buffer = buffers.get(sender);
        if (buffer == null || buffer.ids().size() == pageSize) {
            flush(sender);
            d = new OpenDispatch(d.number(), d.pages() + 1, d.filled());
            buffer = new Buffer(d.number(), d.pages(), new ArrayList<>());
            buffers.put(sender, buffer);
            writes++;
        }
        buffer.ids().add(id);
        d = new OpenDispatch(d.number(), d.pages(), d.filled() + 1);
        open.put(sender, d);
        accepted++;
        if (d.filled() == perCall) {
            seal(sender, d);
        }
        return true;
    }

    /**
     * Seals every sender's partly filled dispatch (the source is exhausted). False when the commit
     * had no room for all of them: commit and call again in the next.
     */
    public boolean sealAll() {
        for (Map.Entry<String, OpenDispatch> e : List.copyOf(open.entrySet())) {
            if (e.getValue().filled() > 0) {
                if (writes + 1 > maxWrites) {
                    return false;
                }
                seal(e.getKey(), e.getValue());
            }
            open.remove(e.getKey());
        }
        return true;
    }

    private void seal(String sender, OpenDispatch d) {
        flush(sender);
        sealed.add(new DispatchHead(SopKeys.dispatchKey(chainKey, sender, d.number()), run, sender, d.number(), chatType,
                content.apply(sender), d.filled(), d.pages()));
        writes++;
        open.put(sender, new OpenDispatch(d.number() + 1, 0, 0));
    }

    private void flush(String sender) {
        Buffer buffer = buffers.remove(sender);
        if (buffer != null && !buffer.ids().isEmpty()) {
            pages.add(new RecipientPage(SopKeys.dispatchKey(chainKey, sender, buffer.number()), buffer.page(), buffer.ids()));
        }
    }

    /** The pages to write: every buffer, flushed. */
    public List<RecipientPage> pages() {
        for (String sender : List.copyOf(buffers.keySet())) {
            flush(sender);
        }
        return List.copyOf(pages);
    }

    public List<DispatchHead> sealed() {
        return List.copyOf(sealed);
    }

    /** The dispatches still being filled, to carry in the chain's state. */
    public Map<String, OpenDispatch> open() {
        Map<String, OpenDispatch> out = new LinkedHashMap<>();
        open.forEach((sender, d) -> {
            if (d.filled() > 0 || d.number() > 1) {
                out.put(sender, d);
            }
        });
        return out;
    }

    public int accepted() {
        return accepted;
    }
}
