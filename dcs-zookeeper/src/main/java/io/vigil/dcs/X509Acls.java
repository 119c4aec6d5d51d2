package io.vigil.dcs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * Patroni's {@code zookeeper.set_acls}: one {@code x509} ACL entry per principal (the subject DN of a client
 * certificate, as ZooKeeper's X509AuthenticationProvider names the client), with the union of the listed
 * permissions; {@code ALL} means all five. As in Patroni, the list replaces ZooKeeper's open default, so an agent
 * whose own principal is missing cannot touch what it created.
 */
public final class X509Acls {

    private X509Acls() {
    }

    /**
     * @param principals principal -> permission names (CREATE, READ, WRITE, DELETE, ADMIN, ALL; any case)
     * @throws IllegalArgumentException for an unknown permission name
     */
    public static List<ACL> of(Map<String, ? extends Collection<String>> principals) {
        List<ACL> acls = new ArrayList<>();
        principals.forEach((principal, names) -> {
            int perms = 0;
            for (String name : names) {
                perms |= permission(principal, name);
            }
            acls.add(new ACL(perms, new Id("x509", principal)));
        });
        // Not List.copyOf: ZooKeeper checks the list with contains(null), which immutable lists refuse.
        return Collections.unmodifiableList(acls);
    }

    private static int permission(String principal, String name) {
        return switch (name.strip().toUpperCase(Locale.ROOT)) {
            case "CREATE" -> ZooDefs.Perms.CREATE;
            case "READ" -> ZooDefs.Perms.READ;
            case "WRITE" -> ZooDefs.Perms.WRITE;
            case "DELETE" -> ZooDefs.Perms.DELETE;
            case "ADMIN" -> ZooDefs.Perms.ADMIN;
            case "ALL" -> ZooDefs.Perms.ALL;
            default -> throw new IllegalArgumentException("zookeeper.set_acls." + principal + ": unknown permission \""
                    + name + "\" (expected CREATE, READ, WRITE, DELETE, ADMIN, ALL)");
        };
    }
}
