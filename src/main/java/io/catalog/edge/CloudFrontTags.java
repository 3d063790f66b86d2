package io.catalog.edge;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps surrogate keys to CloudFront cache-tag invalidation items: {@code #<key>}. The service sends the same keys in
 * its {@code Cache-Tag} response header (comma-separated), which the distribution's cache-tag setting names, so
 * {@code #category-tv} drops every representation tagged {@code category-tv}: the summary and every page of the
 * listing, with any {@code limit} or {@code cursor}, which no exact path could name in advance.
 *
 * <p>
 * CloudFront compares tags case-insensitively, accepts visible ASCII without commas (33-126, at most 256
 * characters) and no wildcard; keys outside that are dropped (the service's keys never are: ids and categories are
 * {@code [A-Za-z0-9_-]}). Keys equal but for case become one item, so the budget is not charged twice for one tag.
 */
final class CloudFrontTags {

    static final String PREFIX = "#";
    static final int MAX_LENGTH = 256;

    private CloudFrontTags() {
    }

    /** The distinct tag items of {@code keys}, in key order. */
    static Set<String> of(Collection<String> keys) {
        Map<String, String> items = new LinkedHashMap<>();
        for (String key : keys) {
            if (valid(key)) {
                items.putIfAbsent(key.toLowerCase(Locale.ROOT), PREFIX + key);
            }
        }
        return new LinkedHashSet<>(items.values());
    }

    static boolean valid(String tag) {
        if (tag.isEmpty() || tag.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c < 33 || c > 126 || c == ',' || c == '*') {
                return false;
            }
        }
        return true;
    }
}
