package io.vigil.dcs;

/** Znode paths of one cluster, relative to its base path (Patroni's key names). */
record ClusterPaths(String base) {
    static final String INITIALIZE = "initialize";
    static final String CONFIG = "config";
    static final String HISTORY = "history";
    static final String MEMBERS = "members";
    static final String LEADER = "leader";
    static final String STATUS = "status";
    static final String OPTIME = "optime";
    static final String FAILOVER = "failover";
    static final String SYNC = "sync";
    static final String FAILSAFE = "failsafe";

    String initialize() {
        return child(INITIALIZE);
    }

    String config() {
        return child(CONFIG);
    }

    String history() {
        return child(HISTORY);
    }

    String members() {
        return child(MEMBERS);
    }

    String member(String name) {
        return members() + "/" + name;
    }

    String leader() {
        return child(LEADER);
    }

    String status() {
        return child(STATUS);
    }

    /** Legacy plain-integer optime, read only when {@code status} is absent. */
    String optimeLeader() {
        return child(OPTIME) + "/leader";
    }

    String failover() {
        return child(FAILOVER);
    }

    String sync() {
        return child(SYNC);
    }

    String failsafe() {
        return child(FAILSAFE);
    }

    private String child(String name) {
        return base + "/" + name;
    }
}
