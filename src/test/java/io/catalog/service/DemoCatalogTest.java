package io.catalog.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

class DemoCatalogTest {

    @Test
    void writesStoredButNotAcknowledgedDoNotStopTheLoad() {
        Set<Integer> written = ConcurrentHashMap.newKeySet();
        int unconfirmed = DemoCatalog.load(100, i -> {
            written.add(i);
            return i % 10 == 0 ? Uni.createFrom().failure(new ChangeNotConfirmed(new RuntimeException("timeout")))
                    : Uni.createFrom().item(i);
        });
        assertThat(written).hasSize(100);
        assertThat(unconfirmed).isEqualTo(10);
    }

    @Test
    void anyOtherFailureFailsTheStart() {
        assertThatThrownBy(() -> DemoCatalog.load(20, i -> i == 7
                ? Uni.createFrom().failure(new IllegalStateException("table missing"))
                : Uni.createFrom().item(i))).hasMessageContaining("table missing");
    }
}
