package io.catalog.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

class VersionLabelsTest {

    private final History history = new History();

    @Test
    void aVersionShownWithTwoBodiesIsCountedAndSaysWhetherOnePodShowedBoth() {
        page("c", "pod-a", 200, 10, "\"x\"", "p1", "p2");
        page("c", "pod-b", 200, 10, "\"y\"", "p1", "p3"); // two pods, two bodies, one version: membership
        page("c", "pod-a", 200, 11, "\"x\"", "p1", "p2");
        page("c", "pod-a", 200, 11, "\"z\"", "p1", "p2"); // one pod, two bodies, one version: a product's version
        page("d", "pod-a", 200, 10, "\"w\""); // another category: a version of its own
        page("c", "pod-a", 200, 12, "\"v\"");
        page("c", "pod-b", 200, 12, "\"v\""); // the same body everywhere

        VersionLabels.Count pages = VersionLabels.count(history).get(0);

        assertThat(pages.what()).isEqualTo("page");
        assertThat(pages.answers()).isEqualTo(7);
        assertThat(pages.versions()).isEqualTo(4);
        assertThat(pages.repeated()).isEqualTo(2);
        assertThat(pages.onOnePod()).isEqualTo(1);
        assertThat(pages.sameItems()).isEqualTo(1);
        assertThat(pages.examples()).containsExactly("c @ 10: \"x\" on pod-a; \"y\" on pod-b",
                "c @ 11: \"x\" on pod-a; \"z\" on pod-a");
    }

    @Test
    void answersWithoutAVersionOrNot200AreLeftOut() {
        page("c", "pod-a", 200, -1, "\"x\"");
        page("c", "pod-b", 200, -1, "\"y\"");
        page("c", "pod-a", 503, 10, "\"x\"");
        page("c", "pod-a", 200, 10, "\"y\"");
        history.summaries.add(new History.SummaryRead(1, "c", "pod-a", 0, 1, 200, 1, BigDecimal.ONE, BigDecimal.ONE,
                BigDecimal.ONE, 5, "\"s1\""));
        history.summaries.add(new History.SummaryRead(2, "c", "pod-a", 2, 3, 200, 1, BigDecimal.TEN, BigDecimal.TEN,
                BigDecimal.TEN, 5, "\"s2\""));

        List<VersionLabels.Count> counts = VersionLabels.count(history);

        assertThat(counts.get(0).answers()).isEqualTo(1);
        assertThat(counts.get(0).repeated()).isZero();
        assertThat(counts.get(1).what()).isEqualTo("summary");
        assertThat(counts.get(1).repeated()).isEqualTo(1);
        assertThat(counts.get(1).onOnePod()).isEqualTo(1);
    }

    private void page(String category, String pod, int status, long version, String etag, String... ids) {
        List<History.Item> items = java.util.Arrays.stream(ids)
                .map(id -> new History.Item(id, 1, BigDecimal.ONE, category)).toList();
        history.pages.add(new History.PageRead(history.nextOp(), category, pod, 0, 1, status, items, version, etag));
    }
}
