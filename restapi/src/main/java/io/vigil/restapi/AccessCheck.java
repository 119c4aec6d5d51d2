package io.vigil.restapi;

import java.util.Objects;
import java.util.Optional;

/**
 * Patroni's access check for the protected endpoints (wire spec 5.5), in its order: the allowlist (403
 * {@code Access is denied}), then a client certificate when {@code verify_client} asks for one (403
 * {@code client certificate required}), then Basic auth (401).
 */
final class AccessCheck {

    private volatile Allowlist allowlist;
    private final boolean clientCertificates;
    private final Optional<BasicAuth> auth;

    /** @param clientCertificates HTTPS with {@code verify_client} {@code optional} or {@code required} */
    AccessCheck(Allowlist allowlist, boolean clientCertificates, Optional<BasicCredentials> credentials) {
        this.allowlist = Objects.requireNonNull(allowlist, "allowlist");
        this.clientCertificates = clientCertificates;
        this.auth = credentials.map(BasicAuth::new);
    }

    /** Basic auth only, as over plain HTTP without an allowlist. */
    static AccessCheck basic(Optional<BasicCredentials> credentials) {
        return new AccessCheck(Allowlist.OPEN, false, credentials);
    }

    /** A reload's allowlist, for the requests that arrive from now on. */
    void allowlist(Allowlist next) {
        allowlist = Objects.requireNonNull(next, "allowlist");
    }

    /** Empty when the caller may proceed, else the answer. */
    Optional<RestResponse> reject(Caller caller) {
        if (!allowlist.admits(caller.address())) {
            return Optional.of(RestResponse.text(403, "Access is denied"));
        }
        if (clientCertificates && !caller.clientCertificate()) {
            // verify_client: optional lets the handshake through without one; the write endpoints still need it.
            return Optional.of(RestResponse.text(403, "client certificate required"));
        }
        return auth.flatMap(a -> a.reject(caller.authorization()));
    }

    /**
     * Who sent a request, as far as the check cares.
     *
     * @param address           the peer's IP address as the server sees it
     * @param clientCertificate the TLS handshake verified a client certificate
     * @param authorization     the Authorization header, null when absent
     */
    record Caller(String address, boolean clientCertificate, String authorization) {
    }
}
