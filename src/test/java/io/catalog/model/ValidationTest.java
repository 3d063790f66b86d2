package io.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** {@link Validation#isId} accepts exactly what {@link Validation#ID_PATTERN} (the contract's shape) matches. */
class ValidationTest {

    private static final Pattern ID = Pattern.compile(Validation.ID_PATTERN);

    @Test
    void isIdIsTheIdPattern() {
        List<String> cases = List.of("", "a", "sku-00042", "A_b-9", "x".repeat(64), "x".repeat(65), "bad id!", "a/b",
                "é", "sku-é", "٣", "ａ", "a\n", " a", "a.b", "a%2F", "-", "_", "Z", "0");
        for (String s : cases) {
            assertThat(Validation.isId(s)).as("'%s'", s).isEqualTo(ID.matcher(s).matches());
        }
        assertThat(Validation.isId(null)).isFalse();
    }

    @Test
    void isIdAgreesWithThePatternOnRandomStrings() {
        String alphabet = "azAZ09_-/ .%é٣\u0000:?#" + (char) ('z' + 1) + (char) ('A' - 1) + (char) ('0' - 1)
                + (char) ('9' + 1);
        Random random = new Random(12);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(70);
            boolean plain = random.nextBoolean(); // half of them only of valid characters, so both answers occur
            for (int k = 0; k < length; k++) {
                s.append(alphabet.charAt(random.nextInt(plain ? 8 : alphabet.length())));
            }
            boolean expected = ID.matcher(s).matches();
            assertThat(Validation.isId(s.toString())).as("'%s'", s).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        assertThat(accepted).as("valid ids drawn").isGreaterThan(1_000);
    }
}
