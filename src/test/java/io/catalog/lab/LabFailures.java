package io.catalog.lab;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests of one strategy's run that failed (an answer other than the one expected, or no answer): how many, and
 * the first {@link #KEPT} recorded (by several threads: nearly in time order), so that a report that counts a failure also says
 * what it was.
 */
final class LabFailures {

    static final int KEPT = 5;
    private static final Pattern TITLE = Pattern.compile("\"title\"\\s*:\\s*\"([^\"]*)\"");

    private final long startNs;
    private final AtomicLong count = new AtomicLong();
    private final ConcurrentLinkedQueue<String> first = new ConcurrentLinkedQueue<>();

    LabFailures(long startNs) {
        this.startNs = startNs;
    }

    /** A failed request: {@code what} names it (method, path, pod) and what came back. */
    void add(String what, long atNs) {
        if (count.incrementAndGet() <= KEPT) {
            first.add(String.format(Locale.ROOT, "t=%.1f s: %s", (atNs - startNs) / 1e9, oneLine(what)));
        }
    }

    /** One line of a report's list: an HTML error page or a multi-line message collapsed. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }

    /** A request that threw: its exception, and the exception's cause when it has one (a timeout, a refused connection). */
    void add(RuntimeException failure, long atNs) {
        Throwable cause = failure.getCause();
        add(failure.getClass().getSimpleName() + ": " + failure.getMessage()
                + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")"), atNs);
    }

    long count() {
        return count.get();
    }

    List<String> first() {
        return List.copyOf(first);
    }

    /** The problem's title of an {@code application/problem+json} body, or the body's first 120 characters. */
    static String summary(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        Matcher title = TITLE.matcher(body);
        if (title.find()) {
            return title.group(1);
        }
        return body.length() > 120 ? body.substring(0, 120) + "…" : body;
    }
}
