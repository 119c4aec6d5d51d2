package io.vigil.restapi;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's {@code restapi.allowlist} and {@code allowlist_include_members} (wire spec 5.5): the client addresses
 * that may call the write endpoints. Entries are IP addresses, CIDRs (host bits allowed, as Python's
 * {@code ip_network(value, strict=False)}) or host names resolved once, when the list is built. The members'
 * {@code api_url} hosts are resolved at each check from the cluster view of the moment, so members that join or
 * leave are admitted or dropped without a reload; a member host that does not resolve is skipped, as in Patroni.
 */
public final class Allowlist {

    /** No allowlist: every address may try (authentication still applies). */
    public static final Allowlist OPEN = new Allowlist(List.of(), false, List::of);

    private static final Logger LOG = LoggerFactory.getLogger(Allowlist.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%\\w]*");

    private final List<Network> networks;
    private final boolean includeMembers;
    private final Supplier<? extends Collection<String>> memberApiUrls;

    private Allowlist(List<Network> networks, boolean includeMembers, Supplier<? extends Collection<String>> memberApiUrls) {
        this.networks = List.copyOf(networks);
        this.includeMembers = includeMembers;
        this.memberApiUrls = memberApiUrls;
    }

    /**
     * @param entries        {@code restapi.allowlist} as written
     * @param includeMembers {@code restapi.allowlist_include_members}
     * @param memberApiUrls  the {@code api_url} of every member in the current cluster view
     * @throws IllegalArgumentException naming {@code restapi.allowlist} for an entry that is neither an IP address,
     *                                  a CIDR nor a host name that resolves
     */
    public static Allowlist of(List<String> entries, boolean includeMembers,
                               Supplier<? extends Collection<String>> memberApiUrls) {
        Objects.requireNonNull(memberApiUrls, "memberApiUrls");
        List<Network> networks = new ArrayList<>();
        for (String entry : entries) {
            networks.addAll(parse(entry.strip()));
        }
        return new Allowlist(networks, includeMembers, memberApiUrls);
    }

    /** Whether any address is refused at all. */
    boolean restricts() {
        return !networks.isEmpty() || includeMembers;
    }

    /** Whether {@code clientAddress} (an IP literal, as the server sees the peer) may call write endpoints. */
    boolean admits(String clientAddress) {
        if (!restricts()) {
            return true;
        }
        InetAddress client;
        try {
            client = literal(clientAddress);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (Network network : networks) {
            if (network.contains(client)) {
                return true;
            }
        }
        return includeMembers && memberAddresses().stream().anyMatch(client::equals);
    }

    private List<InetAddress> memberAddresses() {
        List<InetAddress> addresses = new ArrayList<>();
        for (String apiUrl : memberApiUrls.get()) {
            String host;
            try {
                host = URI.create(apiUrl).getHost();
            } catch (IllegalArgumentException e) {
                LOG.debug("allowlist_include_members: unusable api_url {}", apiUrl);
                continue;
            }
            if (host == null) {
                continue;
            }
            try {
                addresses.addAll(List.of(InetAddress.getAllByName(unbracket(host))));
            } catch (UnknownHostException e) {
                LOG.debug("allowlist_include_members: {} does not resolve", host);
            }
        }
        return addresses;
    }

    private static List<Network> parse(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        if (isLiteral(address)) {
            InetAddress ip;
            try {
                ip = literal(address);
            } catch (IllegalArgumentException e) {
                throw invalid(entry);
            }
            int maxBits = ip.getAddress().length * 8;
            int bits = maxBits;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw invalid(entry);
                }
                if (bits < 0 || bits > maxBits) {
                    throw invalid(entry);
                }
            }
            return List.of(new Network(ip.getAddress(), bits));
        }
        if (slash >= 0 || entry.isEmpty()) {
            throw invalid(entry);
        }
        try {
            List<Network> resolved = new ArrayList<>();
            for (InetAddress ip : InetAddress.getAllByName(entry)) {
                resolved.add(new Network(ip.getAddress(), ip.getAddress().length * 8));
            }
            return resolved;
        } catch (UnknownHostException | SecurityException e) {
            throw invalid(entry);
        }
    }

    private static IllegalArgumentException invalid(String entry) {
        return new IllegalArgumentException("restapi.allowlist: \"" + entry
                + "\" is neither an IP address, a CIDR nor a host name that resolves");
    }

    private static boolean isLiteral(String text) {
        String bare = unbracket(text);
        return IPV4.matcher(bare).matches() || (bare.contains(":") && IPV6.matcher(bare).matches());
    }

    /** An IP literal as an address, without any name lookup (which an invalid literal would lead the JDK to). */
    private static InetAddress literal(String text) {
        String bare = unbracket(text);
        try {
            if (IPV4.matcher(bare).matches()) {
                byte[] octets = new byte[4];
                String[] parts = bare.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(parts[i]);
                    if (octet > 255) {
                        throw new IllegalArgumentException("not an IP literal: " + text);
                    }
                    octets[i] = (byte) octet;
                }
                return InetAddress.getByAddress(octets);
            }
            if (bare.contains(":") && IPV6.matcher(bare).matches()) {
                return InetAddress.getByName("[" + bare + "]"); // brackets: parsed as IPv6 or refused, never looked up
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + text, e);
        }
        throw new IllegalArgumentException("not an IP literal: " + text);
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** An address block: the first {@code bits} bits of {@code prefix}. */
    private record Network(byte[] prefix, int bits) {
        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (candidate[whole] & mask) == (prefix[whole] & mask);
        }
    }
}
