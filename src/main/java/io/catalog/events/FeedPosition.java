package io.catalog.events;

/**
 * Where a pod is in the event stream, and whether it can still trust that position. The stream is the pod's only
 * source of invalidations, so anything that may have skipped entries is a <em>gap</em>, after which L1 must be
 * dropped:
 * <ul>
 * <li>Redis restarted (its {@code run_id} changed): the stream the pod was reading is gone, and with it any entry
 * it had not read yet; the new stream is read from its beginning.</li>
 * <li>The stream was trimmed past the pod's position (Redis' {@code max-deleted-entry-id} is newer than the last
 * entry the pod read): entries it had not read are gone.</li>
 * <li>A read failed (connection killed, Redis down): entries may have been appended and lost meanwhile.</li>
 * </ul>
 * Pure logic, no I/O: the consumer feeds it what Redis said.
 */
public final class FeedPosition {

    /** The id before every stream entry. */
    public static final String START = "0-0";

    private String lastId;
    private String runId;

    /** @param tailId the id of the stream's newest entry when the pod starts ({@link #START} for an empty stream) */
    public FeedPosition(String tailId) {
        this.lastId = tailId;
    }

    public String lastId() {
        return lastId;
    }

    /** Records entries read up to {@code id}. */
    public void advance(String id) {
        lastId = id;
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
        }
        return restarted;
    }

    /**
     * Reports the newest id ever removed from the stream ({@code max-deleted-entry-id} of XINFO STREAM), or
     * {@code null} when unknown. On a gap the position moves past the removed entries.
     *
     * @return whether this is a gap (entries the pod had not read were trimmed)
     */
    public boolean observeMaxDeleted(String maxDeletedId) {
        if (maxDeletedId == null || compare(maxDeletedId, lastId) <= 0) {
            return false;
        }
        lastId = maxDeletedId;
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
