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

    private static final Pattern ID = Pattern.compile(ID_PATTERN);
    private static final Pattern CATEGORY = Pattern.compile(CATEGORY_PATTERN);

    private Validation() {
    }

    public static boolean isId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    public static boolean isCategory(String s) {
        return s != null && CATEGORY.matcher(s).matches();
    }

    public static boolean isName(String s) {
        return s != null && !s.isBlank() && s.length() <= NAME_MAX;
    }
}
