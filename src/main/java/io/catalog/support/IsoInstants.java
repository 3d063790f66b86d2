package io.catalog.support;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;

/**
 * Instants in JSON as the JDK writes them ({@link Instant#toString()}: {@code 2026-12-07T00:47:30.123Z}), written and
 * read without {@link java.time.format.DateTimeFormatter}. Every event carries two (when it occurred, when its product
 * was updated), every pod reads every event and renders its product again, and the formatter's general-purpose
 * parsing took half of the decoding of an event, which was a tenth of a pod's CPU for each write it applied.
 * <p>
 * Writing gives exactly {@code Instant#toString()} (the fraction in groups of three digits; years 0 to 9999, others
 * through the JDK). Reading takes that form, with 0 to 9 fraction digits; anything else (an offset, a leap second,
 * a number, a malformed text) goes to Jackson's own {@link InstantDeserializer}, which accepts or rejects it as it
 * always did. A writer that asks for timestamps ({@code WRITE_DATES_AS_TIMESTAMPS}) gets Jackson's serializer.
 * Per-field formats ({@code @JsonFormat} on an {@code Instant}) are not honoured: the service has none; one would
 * need a contextual serializer here. {@code IsoInstantsTest} holds both to the JDK's on random instants.
 */
public final class IsoInstants {

    /** The first second of year 0 and of year 10000: the fast path's range. */
    private static final long YEAR_0 = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
    private static final long YEAR_10000 = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400;

    private IsoInstants() {
    }

    /** The module that registers both. */
    public static SimpleModule module() {
        return new SimpleModule("iso-instants").addSerializer(Instant.class, new Writer())
                .addDeserializer(Instant.class, new Reader());
    }

    /** {@code instant} as {@link Instant#toString()} gives it. */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < YEAR_0 || seconds >= YEAR_10000) {
            return instant.toString(); // a sign and more digits, beyond LocalDateTime's range too
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        StringBuilder s = new StringBuilder(30);
        digits(s, t.getYear(), 4).append('-');
        digits(s, t.getMonthValue(), 2).append('-');
        digits(s, t.getDayOfMonth(), 2).append('T');
        digits(s, t.getHour(), 2).append(':');
        digits(s, t.getMinute(), 2).append(':');
        digits(s, t.getSecond(), 2);
        int nanos = instant.getNano();
        if (nanos != 0) {
            s.append('.');
            if (nanos % 1_000_000 == 0) {
                digits(s, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                digits(s, nanos / 1_000, 6);
            } else {
                digits(s, nanos, 9);
            }
        }
        return s.append('Z').toString();
    }

    /** {@code text} in the form {@link #format} writes (0 to 9 fraction digits), or {@code null}. */
    public static Instant parse(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 7);
        int day = number(text, 8, 10);
        int hour = number(text, 11, 13);
        int minute = number(text, 14, 16);
        int second = number(text, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int digits = length - 21;
            if (text.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            nanos = number(text, 20, length - 1);
            if (nanos < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
        } catch (DateTimeException invalid) { // the 30th of February: the JDK's parser says what is wrong
            return null;
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 if a character there is not a digit. */
    private static int number(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static StringBuilder digits(StringBuilder s, int value, int width) {
        String v = Integer.toString(value);
        for (int i = v.length(); i < width; i++) {
            s.append('0');
        }
        return s.append(v);
    }

    private static final class Writer extends StdScalarSerializer<Instant> {

        Writer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
                InstantSerializer.INSTANCE.serialize(value, generator, provider); // a writer that asked for numbers
            } else {
                generator.writeString(format(value));
            }
        }
    }

    private static final class Reader extends StdScalarDeserializer<Instant> {

        private static final JsonDeserializer<Instant> JACKSONS = InstantDeserializer.INSTANT;

        Reader() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_STRING) {
                Instant instant = parse(parser.getText());
                if (instant != null) {
                    return instant;
                }
            }
            return JACKSONS.deserialize(parser, context);
        }
    }
}
