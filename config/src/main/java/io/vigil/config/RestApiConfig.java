package io.vigil.config;

import java.util.Objects;
import java.util.Optional;

/** The {@code restapi} section: where the REST API listens and how peers reach it. */
public record RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication) {

    public RestApiConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(connectAddress, "connectAddress");
        Objects.requireNonNull(authentication, "authentication");
    }

    static RestApiConfig from(ConfigNode restapi) {
        ConfigNode listenNode = restapi.get("listen");
        HostPort listen = HostPort.parse(listenNode.path(), listenNode.requiredString());
        ConfigNode connectNode = restapi.get("connect_address");
        HostPort connect = connectNode.isPresent()
                ? HostPort.parse(connectNode.path(), connectNode.requiredString())
                : listen;
        ConfigNode auth = restapi.get("authentication");
        Optional<Credentials> credentials = auth.isPresent()
                ? Optional.of(Credentials.from(auth))
                : Optional.empty();
        return new RestApiConfig(listen, connect, credentials);
    }
}
