package io.vigil.restapi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every request that is not GET, HEAD or OPTIONS: to a registered {@link WriteEndpoint} after the
 * {@link AccessCheck}, otherwise to 501 like Patroni's HTTP server ("Unsupported method").
 *
 * <p>Handlers run on a dedicated executor of at most {@value #MAX_RUNNING} threads so that a long
 * switchover can never occupy the few Jetty threads that serve health checks; when it is saturated the
 * request is answered 503 instead of queueing without bound.
 */
final class WriteEndpoints implements AutoCloseable {

    static final int MAX_RUNNING = 4;
    static final int MAX_WAITING = 16;
    private static final Logger LOG = LoggerFactory.getLogger(WriteEndpoints.class);

    private final Map<String, WriteEndpoint> routes = new HashMap<>();
    private final AccessCheck access;
    private final ThreadPoolExecutor executor;

    /** Basic auth only. */
    WriteEndpoints(List<WriteEndpoint> endpoints, Optional<BasicCredentials> credentials) {
        this(endpoints, AccessCheck.basic(credentials));
    }

    WriteEndpoints(List<WriteEndpoint> endpoints, AccessCheck access) {
        for (WriteEndpoint endpoint : endpoints) {
            if (routes.putIfAbsent(route(endpoint.method(), endpoint.segment()), endpoint) != null) {
                throw new IllegalArgumentException(
                        "duplicate write endpoint " + endpoint.method() + " " + endpoint.path());
            }
        }
        this.access = access;
        this.executor = new ThreadPoolExecutor(MAX_RUNNING, MAX_RUNNING, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_WAITING), daemonThreads());
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * @param caller  who asks, for the access check
     * @param request reads the request, body included; called only once the access check passed
     */
    CompletableFuture<RestResponse> dispatch(String method, String path, AccessCheck.Caller caller,
                                             Supplier<WriteRequest> request) {
        WriteEndpoint endpoint = routes.get(route(method, FirstSegment.of(path)));
        if (endpoint == null) {
            return CompletableFuture.completedFuture(unsupported(method));
        }
        Optional<RestResponse> denied = access.reject(caller);
        if (denied.isPresent()) {
            return CompletableFuture.completedFuture(denied.get());
        }
        WriteRequest read = request.get();
        try {
            return CompletableFuture.supplyAsync(() -> run(endpoint, read), executor);
        } catch (RejectedExecutionException e) {
            LOG.warn("rejected {} {}: {} write requests already running or waiting",
                    method, path, MAX_RUNNING + MAX_WAITING);
            return CompletableFuture.completedFuture(RestResponse.text(503, "too many concurrent requests"));
        }
    }

    static RestResponse unsupported(String method) {
        return RestResponse.error(501, "Unsupported method ('" + method + "')");
    }

    private static RestResponse run(WriteEndpoint endpoint, WriteRequest request) {
        try {
            RestResponse response = endpoint.handler().handle(request);
            if (response == null) {
                throw new IllegalStateException("handler returned no response");
            }
            return response;
        } catch (Exception e) {
            LOG.warn("{} {} failed", request.method(), request.path(), e);
            return RestResponse.error(503);
        }
    }

    private static String route(String method, String segment) {
        return method + " " + segment;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger sequence = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "vigil-rest-write-" + sequence.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
