package io.catalog.support;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * Who this process is, the one definition for everything that names a pod: {@link #id()} among the pods (its
 * acknowledgements of the events it applied, its consumer name in the edge purge group): the host name and a random
 * part drawn at start, so that a pod started again on the same host is a new pod; {@link #publicLabel()} for what
 * anonymous clients see (the public dashboard): random only, never the host name or address. The start-up log line
 * ties the three together for an operator.
 */
@ApplicationScoped
public class PodIdentity {

    private static final Logger LOG = Logger.getLogger(PodIdentity.class);

    private final String host;
    private final String id;
    private final String publicLabel;

    public PodIdentity() {
        this(hostName(), new SecureRandom());
    }

    PodIdentity(String host, SecureRandom random) {
        this.host = host;
        this.id = host + "-" + HexFormat.of().toHexDigits(random.nextInt()).substring(2);
        this.publicLabel = "instance-" + HexFormat.of().toHexDigits(random.nextInt());
        LOG.infof("This pod is %s (host %s); on public pages it is %s", id, host, publicLabel);
    }

    /** Unique among the pods of a deployment, including pods restarted on the same host. */
    public String id() {
        return id;
    }

    /** The name anonymous clients may see: random, telling nothing of the host. */
    public String publicLabel() {
        return publicLabel;
    }

    public String host() {
        return host;
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            return "pod";
        }
    }
}
