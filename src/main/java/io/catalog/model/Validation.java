package io.catalog.model;

import java.util.regex.Pattern;

/** The shapes of identifiers and names that API.md section 2 allows. */
public final class Validation {

    public static final String ID_PATTERN = "[A-Za-z0-9_-]{1,64}";
    public static final String CATEGORY_PATTERN = "[a-z0-9-]{1,64}";
    public static final int NAME_MAX = 200;
    /** What a valid id looks like, for error messages. */
    public static final String ID_RULE = "must be 1-64 characters of A-Z, a-z, 0-9, _ and -";
    /** What a valid category looks like, for error messages. */
    public static final String CATEGORY_RULE = "must be 1-64 characters of a-z, 0-9 and -";

    /** Most characters of an id ({@link #ID_PATTERN}). */
    static final int ID_MAX = 64;
    private static final Pattern CATEGORY = Pattern.compile(CATEGORY_PATTERN);

    private Validation() {
    }

    /**
     * Whether {@code s} matches {@link #ID_PATTERN}: checked character by character (it runs on every product read,
     * the L1 fast path's included, where the regex was a measurable part of a request).
     */
    public static boolean isId(String s) {
        if (s == null || s.isEmpty() || s.length() > ID_MAX) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public static boolean isCategory(String s) {
        return s != null && CATEGORY.matcher(s).matches();
    }

    public static boolean isName(String s) {
        return s != null && !s.isBlank() && s.length() <= NAME_MAX;
    }
}
