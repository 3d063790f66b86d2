package io.catalog.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class CloudFrontTagsTest {

    @Test
    void eachKeyIsOneTagItemInKeyOrder() {
        assertThat(CloudFrontTags.of(List.of("product-sku-1", "category-tv", "products")))
                .containsExactly("#product-sku-1", "#category-tv", "#products");
    }

    @Test
    void keysEqualButForCaseAreOneItemBecauseCloudFrontComparesTagsCaseInsensitively() {
        assertThat(CloudFrontTags.of(List.of("product-ABC", "product-abc", "products")))
                .containsExactly("#product-ABC", "#products");
    }

    @Test
    void keysCloudFrontCannotTakeAsTagsAreDropped() {
        assertThat(CloudFrontTags.of(List.of("", "a,b", "a b", "a*", "é", "x".repeat(257), "x".repeat(256))))
                .containsExactly("#" + "x".repeat(256));
    }
}
