package io.vigil.restapi;

/**
 * Logic of one write endpoint. Runs on the REST server's small write executor, never on a Jetty request
 * thread, so it may block (a switchover polls the DCS for up to 2 × max(10, loop_wait) seconds) without
 * delaying health checks. An exception is logged and answered with 503.
 */
@FunctionalInterface
public interface WriteHandler {

    RestResponse handle(WriteRequest request) throws Exception;
}
