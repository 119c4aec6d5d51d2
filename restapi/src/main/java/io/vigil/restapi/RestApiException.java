package io.vigil.restapi;

/** The REST API could not be started, e.g. because the listen address is taken. */
public final class RestApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RestApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
