package io.vigil.restapi;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's REST API (spec 5) on Javalin/Jetty: same paths, same status codes.
 *
 * <p>Routing is Patroni's, not Javalin's: one catch-all route per HTTP method hands every request to
 * {@link ReadEndpoints} (GET, HEAD, OPTIONS) or {@link WriteEndpoints} (everything else), because Patroni
 * matches health checks by substring anywhere in the path and falls back to a health check for unknown GET
 * paths. Answers are computed from the published {@link NodeStatus} only, never from PostgreSQL or the DCS.
 *
 * <p>Sized for a daemon running with a 64 MB heap: one acceptor, one selector and at most
 * {@value #MAX_THREADS} Jetty threads, no compression, request bodies up to {@value #MAX_BODY_BYTES} bytes.
 */
public final class RestApiServer implements AutoCloseable {

    static final int MAX_THREADS = 8;
    static final int MIN_THREADS = 2;
    static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int IDLE_TIMEOUT_MS = 30_000;
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Logger LOG = LoggerFactory.getLogger(RestApiServer.class);

    private final String host;
    private final int requestedPort;
    private final ReadEndpoints reads;
    private final WriteEndpoints writes;
    private final Set<HandlerType> routedMethods = new HashSet<>();
    private Javalin app;
    private boolean closed;

    /** A server with read endpoints only; every other method is answered 501. */
    public RestApiServer(String listenHost, int port, NodeStatusSource source, Optional<BasicCredentials> auth) {
        this(listenHost, port, source, auth, List.of());
    }

    /**
     * @param listenHost    address to bind; null, empty or {@code *} for all interfaces (IPv6 brackets allowed)
     * @param port          TCP port; 0 picks a free one, see {@link #port()}
     * @param auth          {@code restapi.authentication}; when present every write endpoint requires it
     * @param writeEndpoints the protected endpoints, e.g. {@code POST /switchover}
     */
    public RestApiServer(String listenHost, int port, NodeStatusSource source, Optional<BasicCredentials> auth,
                         List<WriteEndpoint> writeEndpoints) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.host = normaliseHost(listenHost);
        this.requestedPort = port;
        this.reads = new ReadEndpoints(Objects.requireNonNull(source, "source"));
        this.writes = new WriteEndpoints(List.copyOf(writeEndpoints), Objects.requireNonNull(auth, "auth"));
    }

    /** Binds and starts serving; throws {@link RestApiException} if the address cannot be bound. */
    public synchronized void start() {
        if (closed || app != null) {
            throw new IllegalStateException(closed ? "REST API server is closed" : "REST API server already started");
        }
        Javalin created = null;
        try {
            created = Javalin.create(this::configure);
            created.start();
        } catch (RuntimeException e) {
            if (created != null) {
                stopQuietly(created);
            }
            throw new RestApiException("Couldn't start the REST API on " + address(requestedPort)
                    + ", check restapi.listen: " + (e.getMessage() != null ? e.getMessage() : e), e);
        }
        app = created;
        LOG.info("REST API listening on {}", address(app.port()));
    }

    /** The bound port; meaningful once started. */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("REST API server not started");
        }
        return app.port();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (app != null) {
            stopQuietly(app);
            app = null;
        }
        writes.close();
    }

    private void configure(JavalinConfig cfg) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.startup.startupWatcherEnabled = false;
        cfg.http.maxRequestSize = MAX_BODY_BYTES;
        cfg.http.compressionStrategy = CompressionStrategy.NONE;
        cfg.jetty.threadPool = threadPool();
        cfg.jetty.addConnector(this::connector);
        for (HandlerType type : HandlerType.values()) {
            if (type.isHttpMethod()) {
                routedMethods.add(type);
                cfg.routes.addHttpHandler(type, "*", this::handle);
            }
        }
        // Only methods Javalin has no route for end up here (every path of a known method is routed);
        // Patroni's server answers those 501. A 404 chosen by a write endpoint passes through untouched.
        cfg.routes.error(404, ctx -> {
            if (!routedMethods.contains(ctx.method())) {
                send(ctx, WriteEndpoints.unsupported(ctx.method().name()));
            }
        });
        cfg.routes.exception(Exception.class, (e, ctx) -> send(ctx, failure(ctx, e)));
    }

    private void handle(Context ctx) {
        String method = ctx.method().name();
        String path = ctx.path();
        Map<String, List<String>> query = QueryString.parse(ctx.queryString());
        if (READ_METHODS.contains(method)) {
            send(ctx, reads.respond(method, path, query));
            return;
        }
        CompletableFuture<RestResponse> response = writes.dispatch(method, path, ctx.header("Authorization"),
                () -> new WriteRequest(method, path, query, ctx.headerMap(), ctx.bodyAsBytes(), ctx.ip()));
        if (response.isDone()) {
            send(ctx, response.join());
        } else {
            ctx.future(() -> response.thenAccept(r -> send(ctx, r)));
        }
    }

    private static void send(Context ctx, RestResponse response) {
        ctx.status(response.status());
        response.headers().forEach(ctx::header);
        if (response.contentType() != null) {
            ctx.contentType(response.contentType());
        }
        if (response.body().length > 0) {
            ctx.result(response.body());
        }
    }

    // Never a stack trace to the client: malformed input is the client's problem (4xx), anything else 503,
    // which load balancers read as "do not route here".
    private static RestResponse failure(Context ctx, Exception e) {
        if (e instanceof HttpResponseException rejected) {
            return RestResponse.error(rejected.getStatus());
        }
        LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.toString());
        LOG.debug("stack trace of the failed request", e);
        String method = ctx.method().name();
        return "GET".equals(method) || !READ_METHODS.contains(method)
                ? RestResponse.error(503) : RestResponse.statusOnly(503);
    }

    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, 60_000);
        pool.setName("vigil-rest");
        pool.setDaemon(true);
        // Reserved threads only pay off under heavy load; here they would just hold memory.
        pool.setReservedThreads(0);
        return pool;
    }

    // Jetty's default acceptor/selector counts grow with the CPU count and could lease the whole small pool.
    private Connector connector(Server server, HttpConfiguration http) {
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(requestedPort);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        return connector;
    }

    private static void stopQuietly(Javalin javalin) {
        try {
            javalin.stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping the REST API failed: {}", e.toString());
        }
    }

    private String address(int port) {
        String shown = host == null ? "*" : host.contains(":") ? "[" + host + "]" : host;
        return shown + ":" + port;
    }

    // Patroni: an empty host or '*' listens on all interfaces.
    private static String normaliseHost(String listenHost) {
        if (listenHost == null || listenHost.isBlank() || "*".equals(listenHost.strip())) {
            return null;
        }
        String h = listenHost.strip();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }
}
