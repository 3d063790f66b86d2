package io.catalog.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** How {@link VarnishTarget} splits keys over {@code Surrogate-Key} headers. */
class VarnishTargetTest {

    @Test
    void keysAreSplitOverHeadersThatVarnishAcceptsByDefault() {
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            keys.add(String.format("product-sku-%05d", i));
        }
        List<String> headers = VarnishTarget.headers(keys);

        assertThat(headers).hasSize(3).allMatch(h -> h.length() <= VarnishTarget.MAX_HEADER_CHARS);
        assertThat(VarnishTarget.MAX_HEADER_CHARS + "Surrogate-Key: \r\n".length())
                .as("a header line under http_req_hdr_len's default").isLessThan(8192);
        assertThat(headers.stream().flatMap(h -> Arrays.stream(h.split(" "))).toList()).isEqualTo(keys);
    }

    @Test
    void fewKeysMakeOneHeader() {
        assertThat(VarnishTarget.headers(List.of("product-1", "category-toys", "products")))
                .containsExactly("product-1 category-toys products");
        assertThat(VarnishTarget.headers(List.of())).isEmpty();
    }
}
