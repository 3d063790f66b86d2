package io.catalog.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Who a request is counted as: the header the trusted proxies write, read the way they write it. */
class ClientAddressTest {

    private final ClientAddress cloudFront = new ClientAddress("CloudFront-Viewer-Address", 1);
    private final ClientAddress albAlone = new ClientAddress("X-Forwarded-For", 1);
    private final ClientAddress cloudFrontThenAlb = new ClientAddress("X-Forwarded-For", 2);
    private final ClientAddress connection = new ClientAddress(null, 1);

    @Test
    void theViewerAddressLosesItsPortForIPv4AndIPv6() {
        assertThat(cloudFront.of("198.51.100.10:46532", "10.0.0.5")).isEqualTo("198.51.100.10");
        assertThat(cloudFront.of("2001:db8:1:2:3:4:5:6:46532", "10.0.0.5")).isEqualTo("2001:db8:1:2::/64");
        assertThat(cloudFront.of("2001:db8::1:46532", "10.0.0.5")).isEqualTo("2001:db8:0:0::/64");
    }

    @Test
    void behindAnAlbTheRightmostEntryIsTheClientWhateverTheClientWroteToTheLeft() {
        // the ALB appends the address that connected to it; what the client sent itself stays to the left
        assertThat(albAlone.of("203.0.113.7, 198.51.100.10", "10.0.0.5")).isEqualTo("198.51.100.10");
        assertThat(albAlone.of("1.1.1.1, 2.2.2.2, 198.51.100.10", "10.0.0.5")).isEqualTo("198.51.100.10");
        assertThat(albAlone.of("198.51.100.10", "10.0.0.5")).isEqualTo("198.51.100.10");
        // CloudFront then the ALB: the entry CloudFront appended, second from the right
        assertThat(cloudFrontThenAlb.of("6.6.6.6, 198.51.100.10, 130.176.0.1", "10.0.0.5")).isEqualTo("198.51.100.10");
        assertThat(cloudFrontThenAlb.of("198.51.100.10", "10.0.0.5")).as("shorter than the hops: the leftmost")
                .isEqualTo("198.51.100.10");
    }

    @Test
    void everyAddressOfAnIPv6Slash64IsOneClient() {
        String a = albAlone.of("2001:db8:aa:bb:1:2:3:4", "10.0.0.5");
        String b = albAlone.of("2001:db8:aa:bb:ffff:ffff:ffff:fffe", "10.0.0.5");
        assertThat(a).isEqualTo(b).isEqualTo("2001:db8:aa:bb::/64");
        assertThat(albAlone.of("2001:db8:aa:bc::1", "10.0.0.5")).as("the next /64").isNotEqualTo(a);
        assertThat(connection.of(null, "2001:db8:aa:bb::9")).as("the connection's address too").isEqualTo(a);
        assertThat(albAlone.of("[2001:db8:aa:bb::1]:443", "10.0.0.5")).isEqualTo(a);
    }

    @Test
    void anIPv4MappedAddressIsTheIPv4Address() {
        assertThat(albAlone.of("::ffff:198.51.100.10", "10.0.0.5")).isEqualTo("198.51.100.10");
        assertThat(connection.of(null, "::ffff:198.51.100.10")).isEqualTo("198.51.100.10");
        assertThat(cloudFront.of("::ffff:198.51.100.10:443", "10.0.0.5")).isEqualTo("198.51.100.10");
    }

    @Test
    void whatIsNotAnAddressIsNeverResolvedAndCountsAsTheConnection() {
        assertThat(albAlone.of("localhost", "10.0.0.5")).isEqualTo("10.0.0.5");
        assertThat(albAlone.of("evil.example.com", "10.0.0.5")).isEqualTo("10.0.0.5");
        assertThat(cloudFront.of("", "10.0.0.5")).isEqualTo("10.0.0.5");
        assertThat(connection.of(null, null)).isEqualTo("unknown");
    }
}
