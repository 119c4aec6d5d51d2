package io.vigil.dcs;

/**
 * What the agent may conclude about its coordination-store session right now.
 *
 * <ul>
 *   <li>{@link #CONNECTED}: a server answered recently; the session and its ephemeral znodes are alive.</li>
 *   <li>{@link #SUSPENDED}: the connection is down or unresponsive. The session may still be alive on the
 *       server, so ephemerals may still exist, but the agent cannot prove it holds the leader lock.</li>
 *   <li>{@link #LOST}: no session (never established yet, or expired). Every ephemeral this agent created is
 *       gone or about to be; leadership must be dropped.</li>
 * </ul>
 */
public enum DcsHealth {
    CONNECTED,
    SUSPENDED,
    LOST
}
