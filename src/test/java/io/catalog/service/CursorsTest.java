package io.catalog.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.catalog.testing.TestConfig;

/** {@link Cursors}: a cursor opens only on the listing it was issued for, by a service with the same secret. */
class CursorsTest {

    private final Cursors cursors = new Cursors(TestConfig.catalog(Map.of()));

    @Test
    void aCursorOpensToTheIdItWasIssuedWith() {
        String cursor = cursors.issue("category:books", 20, "sku-00042");
        assertThat(cursors.open("category:books", 20, cursor)).contains("sku-00042");
        assertThat(cursor).doesNotContain("sku-00042").matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{16}");
    }

    @Test
    void aCursorOfAnotherListingIsRefused() {
        String cursor = cursors.issue("category:books", 20, "sku-00042");
        assertThat(cursors.open("category:games", 20, cursor)).isEmpty();
    }

    @Test
    void aCursorSignedWithAnotherSecretIsRefused() {
        Cursors other = new Cursors(TestConfig.catalog(Map.of("catalog.cursor.secret", "another-secret")));
        assertThat(cursors.open("category:books", 20, other.issue("category:books", 20, "sku-00042"))).isEmpty();
    }

    @Test
    void aTamperedCursorIsRefused() {
        String cursor = cursors.issue("category:books", 20, "sku-00042");
        String signature = cursor.substring(cursor.indexOf('.'));
        String otherId = cursors.issue("category:books", 20, "sku-00043");
        assertThat(cursors.open("category:books", 20, otherId.substring(0, otherId.indexOf('.')) + signature)).isEmpty();
        char last = signature.charAt(signature.length() - 1);
        assertThat(cursors.open("category:books", 20,
                cursor.substring(0, cursor.length() - 1) + (last == 'A' ? 'B' : 'A'))).isEmpty();
    }

    @Test
    void garbageIsRefusedNotThrown() {
        for (String garbage : new String[] { "", ".", "abc", ".abc", "!!!.abc", "c2t1.", "%%%.%%%" }) {
            assertThat(cursors.open("category:books", 20, garbage)).as("cursor '%s'", garbage).isEmpty();
        }
    }

    @Test
    void aCursorReplayedWithAnotherPageSizeIsRefused() {
        String cursor = cursors.issue("category:books", 20, "sku-00042");
        assertThat(cursors.open("category:books", 100, cursor)).isEmpty();
    }

    @Test
    void aSignedIdThatIsNotAValidIdIsRefused() {
        assertThat(cursors.open("category:books", 20, cursors.issue("category:books", 20, "bad id!"))).isEmpty();
    }
}
