package io.vigil.dcs;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The coordination-store port the HA loop calls. Reads and writes come from one thread (the HA loop);
 * {@link #onChange} callbacks run on the store client's event thread and must return quickly.
 *
 * <p>Every method that talks to the store either succeeds or throws {@link DcsException}; none blocks
 * much longer than {@code retry_timeout}. "Retried" operations are retried until that deadline, the
 * others get one attempt (like Patroni's 1-second, no-retry writes).
 */
public interface Dcs extends AutoCloseable {

    /** One full, fresh read of the cluster's keys (no cache); retried. Garbage in a key never throws. */
    ClusterView read() throws DcsException;

    /** Creates {@code initialize} with an empty value if absent (retried); true = this member won the race. */
    boolean attemptInitialize() throws DcsException;

    /** Writes the system identifier to {@code initialize}, unconditionally, creating it if needed. */
    void setInitialize(String sysid) throws DcsException;

    /** Deletes {@code initialize} with the version just read (a failed bootstrap gives up its claim). */
    void cancelInitialize() throws DcsException;

    /**
     * Writes {@code config} as compact JSON (retried). With a version: compare-and-set, except that version 0
     * is written unconditionally (Patroni's {@code version or -1} quirk). Without a version (or with 0) the
     * znode is created if absent. Returns false when the version did not match or a version was given for
     * a missing znode.
     */
    boolean writeConfig(Map<String, Object> config, OptionalInt expectedVersion) throws DcsException;

    /** Creates the ephemeral {@code leader} znode holding this member's name (retried); false = someone holds it. */
    boolean attemptLeader() throws DcsException;

    /**
     * Confirms the leader lock seen in {@code view}, writing nothing in the normal case: true iff the lock names
     * this member and is owned by this session. A lock with this member's name owned by another session (a
     * previous incarnation of this agent) is deleted and re-created under this session; false if another
     * member holds it or it is gone and someone else got it first.
     */
    boolean refreshLeader(ClusterView view) throws DcsException;

    /**
     * Writes this member's name back into the leader znode this session owns, after another client overwrote its
     * value; false when this session does not own it.
     */
    boolean renameLeader() throws DcsException;

    /**
     * Gives up the leader lock: writes {@code status} with {@code lastOptime} if given, then deletes the
     * {@code leader} znode if this session owns it. Patroni closes its whole session instead; deleting only
     * the lock keeps this member's znode (peers only observe the lock's disappearance either way).
     */
    void releaseLeader(OptionalLong lastOptime) throws DcsException;

    /**
     * Publishes this member's znode (compact JSON, key order as given) following Patroni's rules: reclaim a znode
     * owned by another session; delete-and-recreate when tags, version, checkpoint_after_promote change or state
     * toggles to/from running (so Patroni 3.0.x peers notice); skip when unchanged; else create or set.
     */
    void touchMember(Map<String, Object> data) throws DcsException;

    /**
     * Writes {@code status} = {@code {"optime":N}}, with {@code "slots":{name: lsn}} when {@code slots} is not empty,
     * if it differs from the last value this member wrote.
     */
    void writeStatus(long optime, Map<String, Long> slots) throws DcsException;

    /** Writes {@code history} (compact JSON array of arrays), unconditionally. */
    void writeHistory(List<List<Object>> history) throws DcsException;

    /**
     * Writes {@code failover} (compact JSON; {@code Map.of()} clears it as {@code "{}"}). With a version the write
     * is a compare-and-set (same version-0 quirk as {@link #writeConfig}); a version mismatch means a newer request
     * arrived and is left untouched, which is not an error.
     */
    void writeFailover(Map<String, Object> value, OptionalInt expectedVersion) throws DcsException;

    /**
     * Writes {@code sync} (compact JSON, key order as given; build it with {@link SyncNode#value} or
     * {@link SyncNode#off}), retried. With a version: compare-and-set (same version-0 quirk as
     * {@link #writeConfig}); without one the znode is written unconditionally and created if absent.
     *
     * @throws DcsException also when the version did not match or the znode vanished: someone else changed it
     *                      since it was read, and the caller must read again before deciding
     */
    void writeSync(Map<String, Object> value, OptionalInt expectedVersion) throws DcsException;

    /**
     * Writes {@code failsafe} (compact JSON object of member name to REST API URL, spec 1.9), unconditionally,
     * created if absent; a single attempt (the leader writes it again at its next cycle if it still differs).
     */
    void writeFailsafe(Map<String, String> value) throws DcsException;

    /** Deletes the whole cluster tree recursively ({@code patronictl remove}); retried. */
    void deleteCluster() throws DcsException;

    /** This agent's current session id (the {@code ephemeralOwner} of its znodes); 0 when there is none. */
    long sessionId();

    DcsHealth health();

    /** {@link System#currentTimeMillis()} of the last successful server response; 0 if there was none yet. */
    long lastContactMillis();

    /** Milliseconds since the last successful server response on the monotonic clock; MAX_VALUE if none yet. */
    long millisSinceLastContact();

    /** Registers a wake-up for any watched change under the cluster's base path or any connection change. */
    void onChange(Runnable wakeUp);

    @Override
    void close();
}
