package io.catalog.rest;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.catalog.config.CatalogConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Who a request comes from, for everything counted per client (the rate limit, the live streams a client may hold).
 * One definition, so that a client behind a CDN is never counted as the CDN's address by one limit and as itself by
 * another.
 *
 * <p>
 * The address is taken from {@code catalog.rate-limit.client-header} when that is set and present, else from the
 * connection. The header is either one address that the only proxy in front writes ({@code CloudFront-Viewer-Address},
 * {@code address:port}, which viewers cannot set), or a list that each trusted proxy appends to
 * ({@code X-Forwarded-For} behind an ALB): then the client is the entry {@code catalog.rate-limit.trusted-hops} places
 * from the right, the address the outermost trusted proxy saw. Entries further left are whatever the client wrote
 * and are never used (Quarkus' own {@code quarkus.http.proxy.*} takes the leftmost one, which lets a client pick its
 * address: leave it off for the limits).
 *
 * <p>
 * Addresses are grouped as the internet allocates them: an IPv4 address is one client (an IPv4-mapped IPv6
 * address is the IPv4 address); an IPv6 address is its /64, which one subscriber holds whole. A header that holds no
 * address literal (never resolved: no DNS lookup is made for what a client sends) counts as the connection's address.
 */
@ApplicationScoped
public class ClientAddress {

    /** The characters of an IP literal with an optional port and brackets; anything else is not looked at. */
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.\\[\\]%]{2,64}");

    private final String header;
    private final int trustedHops;
    /** Whether the header's value always ends with {@code :port} (CloudFront's viewer address does). */
    private final boolean portAlways;

    @Inject
    public ClientAddress(CatalogConfig config) {
        this(config.rateLimit().clientHeader().orElse(null), config.rateLimit().trustedHops());
    }

    ClientAddress(String header, int trustedHops) {
        this.header = header;
        this.trustedHops = trustedHops;
        this.portAlways = "CloudFront-Viewer-Address".equalsIgnoreCase(header);
    }

    /** The client of {@code request}: its address, or for IPv6 its /64. */
    public String of(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return of(header == null ? null : request.getHeader(header), remote == null ? null : remote.hostAddress());
    }

    /** The client of a request whose client header holds {@code named} and whose connection is from {@code remote}. */
    String of(String named, String remote) {
        String key = named == null ? null : key(pick(named, trustedHops), portAlways);
        if (key != null) {
            return key;
        }
        String own = remote == null ? null : key(remote, false);
        return own != null ? own : "unknown";
    }

    /** The entry {@code hops} places from the right of a comma-separated list; the leftmost when it is shorter. */
    static String pick(String value, int hops) {
        String[] entries = value.split(",");
        return entries[Math.max(0, entries.length - hops)].trim();
    }

    /**
     * The client key of one header entry or remote address: an IPv4 address, or an IPv6 /64 as
     * {@code 2001:db8:1:2::/64}; {@code null} when {@code entry} is not an address literal.
     *
     * @param portAlways whether {@code entry} always ends with {@code :port} ({@link #withoutPort})
     */
    static String key(String entry, boolean portAlways) {
        String literal = withoutPort(entry.trim(), portAlways);
        if (!LITERAL.matcher(literal).matches() || literal.indexOf('%') >= 0) {
            return null;
        }
        try {
            // a literal (checked above), so never a name lookup; IPv4-mapped IPv6 comes back as Inet4Address
            InetAddress address = InetAddress.getByName(literal);
            if (address instanceof Inet6Address) {
                byte[] bytes = address.getAddress();
                StringBuilder prefix = new StringBuilder();
                for (int i = 0; i < 8; i += 2) {
                    prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
                }
                return prefix.append(":/64").toString();
            }
            return address.getHostAddress();
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The address of {@code value} without its port. {@code [v6]:port} and {@code v4:port} lose it; where the header
     * always carries one ({@code portAlways}: {@code CloudFront-Viewer-Address} writes IPv6 as {@code 2001:db8::1:46532},
     * unbracketed) the part after the last colon goes; otherwise an unbracketed IPv6 address is taken whole.
     */
    static String withoutPort(String value, boolean portAlways) {
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            return close > 0 ? value.substring(1, close) : value;
        }
        int last = value.lastIndexOf(':');
        if (last < 0) {
            return value;
        }
        if (portAlways || value.indexOf(':') == last) {
            return value.substring(0, last);
        }
        return value;
    }
}
