package io.catalog.events;

/**
 * Where a pod is in the event stream, and whether it can still trust that position. The stream is the pod's only
 * source of invalidations, so anything that may have skipped entries is a <em>gap</em>, after which L1 must be
 * dropped:
 * <ul>
 * <li>Redis restarted or failed over (its {@code run_id} changed): the stream the pod was reading may have lost
 * entries it had not read; the new stream is read from its beginning.</li>
 * <li>Entries the pod had not read were removed. {@code XADD MAXLEN ~} trims the oldest entries without recording
 * what it removed ({@code max-deleted-entry-id} only moves on {@code XDEL}), so the pod counts: it knows how many
 * entries the stream had received up to its position ({@link #added()}), and Redis says how many it received in all
 * and how many it holds ({@code entries-added}, {@code length}); when more were removed than the pod had read, some
 * entry it had not read is gone. The check runs after each read, so a trim that happened between the pod's previous
 * read and this one is seen, whether or not the read returned anything.</li>
 * <li>The stream was deleted and created again (fewer entries added than before), or an entry past the position was
 * deleted ({@code max-deleted-entry-id}).</li>
 * <li>A read failed (connection killed, Redis down): handled by the consumer (L1 dropped), not a gap of the position:
 * the stream still holds what the pod has not read.</li>
 * </ul>
 * After a gap the position moves to the stream's newest entry. Pure logic, no I/O: the consumer feeds it what Redis
 * said.
 */
public final class FeedPosition {

    /** The id before every stream entry. */
    public static final String START = "0-0";

    /**
     * What Redis said of the stream after a read ({@code XINFO STREAM}).
     *
     * @param entriesAdded entries the stream ever received ({@code entries-added})
     * @param length entries it holds now
     * @param lastGeneratedId the id of the newest entry it ever received
     * @param maxDeletedId the newest id ever deleted by {@code XDEL} ({@code 0-0}: none)
     */
    public record StreamState(long entriesAdded, long length, String lastGeneratedId, String maxDeletedId) {
    }

    private String lastId;
    /** Entries the stream had received up to and including {@link #lastId}; -1 when not known. */
    private long added;
    private String runId;
    /** Whether the last {@link #observe} found the position at the stream's newest entry. */
    private boolean atEnd;

    /**
     * @param tailId the id of the stream's newest entry when the pod starts ({@link #START} for an empty stream)
     * @param addedAtTail entries the stream had received up to it (-1 when not known)
     */
    public FeedPosition(String tailId, long addedAtTail) {
        this.lastId = tailId;
        this.added = addedAtTail;
    }

    public String lastId() {
        return lastId;
    }

    /** Entries the stream had received up to and including the position; -1 when not known. */
    public long added() {
        return added;
    }

    /** Records {@code count} entries read, up to {@code id}. */
    public void advance(String id, int count) {
        lastId = id;
        if (added >= 0) {
            added += count;
        }
    }

    /**
     * Reports the server's {@code run_id}.
     *
     * @return whether this is a gap (Redis restarted since the last report)
     */
    public boolean observeRunId(String current) {
        boolean restarted = runId != null && !runId.equals(current);
        runId = current;
        if (restarted) {
            lastId = START;
            added = 0;
        }
        return restarted;
    }

    /**
     * Reports the stream's state read after a read that started at position {@code idBefore} with
     * {@code addedBefore} entries received up to it ({@code null} state: the stream does not exist).
     *
     * @return whether entries that were not read before the read started may be gone (a gap); the position then
     *         moves to the stream's newest entry
     */
    public boolean observe(StreamState state, String idBefore, long addedBefore) {
        atEnd = state != null && lastId.equals(state.lastGeneratedId()); // no stream: only a short read ends a round
        if (state == null) {
            boolean gap = !START.equals(idBefore) || addedBefore > 0;
            lastId = START;
            added = 0;
            return gap;
        }
        boolean deletedPast = compare(state.maxDeletedId(), idBefore) > 0;
        if (state.entriesAdded() < 0) {
            // a Redis older than 7 does not count: only deletions can be told
            return deletedPast && jump(state);
        }
        long removed = state.entriesAdded() - state.length();
        boolean gap = deletedPast || state.entriesAdded() < addedBefore
                || (addedBefore >= 0 ? removed > addedBefore : removed > 0);
        if (gap) {
            return jump(state);
        }
        if (lastId.equals(state.lastGeneratedId())) {
            added = state.entriesAdded();
        }
        return false;
    }

    /**
     * Whether the last {@link #observe} found nothing past the position: the read before it reached the stream's end
     * (even one that returned as many entries as it asked for), so nothing older is left to read.
     */
    public boolean atEnd() {
        return atEnd;
    }

    private boolean jump(StreamState state) {
        lastId = state.lastGeneratedId();
        added = state.entriesAdded();
        return true;
    }

    /** Compares two stream ids ({@code millis-sequence}) numerically. */
    public static int compare(String a, String b) {
        long[] x = parse(a);
        long[] y = parse(b);
        int byTime = Long.compare(x[0], y[0]);
        return byTime != 0 ? byTime : Long.compare(x[1], y[1]);
    }

    private static long[] parse(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? new long[] { Long.parseLong(id), 0 }
                : new long[] { Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)) };
    }

    /**
     * The time part of a stream id ({@code <milliseconds>-<sequence>}): the clock of the Redis master at XADD.
     *
     * @throws NumberFormatException when the id has no numeric time part
     */
    public static long millis(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    }
}
