package io.vigil.restapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * The Basic-auth step of Patroni's access check (spec 5.5): the Authorization header must be exactly
 * {@code Basic base64(username:password)}. The base64 text is compared in constant time, as Patroni does with
 * {@code hmac.compare_digest}, so response timing does not reveal how much of a guess was right.
 */
final class BasicAuth {

    static final String CHALLENGE = "Basic realm=\"Patroni\"";

    private final byte[] expected;

    BasicAuth(BasicCredentials credentials) {
        String userPass = credentials.username() + ":" + credentials.password();
        this.expected = Base64.getEncoder().encode(userPass.getBytes(StandardCharsets.UTF_8));
    }

    /** Empty when the request may proceed, else the 401 to send. */
    Optional<RestResponse> reject(String authorizationHeader) {
        if (authorizationHeader == null) {
            return Optional.of(unauthorized("no auth header received"));
        }
        if (!authorizationHeader.startsWith("Basic ") || !MessageDigest.isEqual(expected,
                authorizationHeader.substring("Basic ".length()).getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(unauthorized("not authenticated"));
        }
        return Optional.empty();
    }

    private static RestResponse unauthorized(String reason) {
        return RestResponse.text(401, reason).withHeader("WWW-Authenticate", CHALLENGE);
    }
}
