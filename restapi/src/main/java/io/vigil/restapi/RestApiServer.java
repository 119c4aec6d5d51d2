package io.vigil.restapi;

import io.vigil.tls.OneLine;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's REST API (spec 5) on a bare Jetty core server: same paths, same status codes.
 *
 * <p>Routing is Patroni's: every request is handed to {@link ReadEndpoints} (GET, HEAD, OPTIONS) or
 * {@link WriteEndpoints} (everything else), because Patroni matches health checks by substring anywhere in
 * the path and falls back to a health check for unknown GET paths. Answers are computed from the published
 * {@link NodeStatus} only, never from PostgreSQL or the DCS.
 *
 * <p>Sized for an agent that idles most of the time while a load balancer probes it every second: no web
 * framework, no servlet layer, one selector thread that also accepts, and at most {@value #MAX_THREADS} Jetty
 * threads. Reads (health checks included) are answered straight from the selector thread, which saves two
 * thread hand-offs per probe: they only look at the published snapshot and never block. Everything else is
 * handed to a pool thread first, because it reads a request body (up to {@value #MAX_BODY_BYTES} bytes) and
 * then waits for the write executor. No compression.
 *
 * <p>Over HTTPS ({@link ServerTls}) the same handlers run behind Jetty's TLS connection; the protected endpoints
 * add Patroni's allowlist and client-certificate steps ({@link AccessCheck}). Nothing a client sends can hold a
 * thread: headers over {@value #MAX_HEADER_BYTES} bytes are answered 431 and bodies over the limit 413 by Jetty,
 * idle or half-open connections (plain HTTP on the TLS port included) only cost the selector a registration until
 * they time out, and the accept queue is deep enough that a burst of connections does not push a health check
 * into a SYN retry.
 */
public final class RestApiServer implements AutoCloseable {

    static final int MAX_THREADS = 8;
    static final int MIN_THREADS = 2;
    static final int MAX_BODY_BYTES = 256 * 1024;
    /** Request line plus headers; larger is answered 431 by Jetty before any handler runs. */
    static final int MAX_HEADER_BYTES = 8 * 1024;
    private static final int IDLE_TIMEOUT_MS = 30_000;
    /**
     * Pending connections the kernel holds for the selector. The JDK's default of 50 lets a burst of connections
     * (a client opening hundreds at once) fill it, and a health check arriving then waits for a SYN retry (1 s+).
     */
    private static final int ACCEPT_QUEUE = 1024;
    private static final int THREAD_IDLE_TIMEOUT_MS = 60_000;
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** What the servlet layer used to answer with when a response had no type of its own. */
    private static final String NO_CONTENT_TYPE = "text/plain";
    private static final Pattern SINGLE_CHARSET = Pattern.compile("([^;]+);\\s*charset=([^;\\s]+)");
    private static final Logger LOG = LoggerFactory.getLogger(RestApiServer.class);
    /**
     * Jetty sizes some padding by the references per cache line. Unless told, it asks the HotSpot diagnostic
     * MBean for UseCompressedOops, which starts the whole platform MBean server (JMX, java.util.logging,
     * container metrics: ~300 classes, a few MB and ~100 ms at startup) just for a tuning hint.
     */
    private static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    static {
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) {
            // 64-byte lines, 4-byte compressed references: the agent's heap is far below 32 GB.
            System.setProperty(REFERENCES_PER_CACHE_LINE, "16");
        }
    }

    private final String host;
    private final int requestedPort;
    private final ReadEndpoints reads;
    private final WriteEndpoints writes;
    private final AccessCheck access;
    private final Optional<ListenerTls> tls;
    private Map<String, String> extraHeaders = Map.of();
    private int acceptQueue = ACCEPT_QUEUE;
    private Server server;
    private ServerConnector connector;
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
        this(listenHost, port, source, auth, writeEndpoints, Optional.empty(), Allowlist.OPEN);
    }

    /**
     * @param tls       HTTPS with these files and settings; empty for plain HTTP
     * @param allowlist the client addresses that may call write endpoints
     * @throws IllegalArgumentException one line naming the {@code restapi} key whose file cannot be used
     */
    public RestApiServer(String listenHost, int port, NodeStatusSource source, Optional<BasicCredentials> auth,
                         List<WriteEndpoint> writeEndpoints, Optional<ServerTls> tls, Allowlist allowlist) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.host = normaliseHost(listenHost);
        this.requestedPort = port;
        this.reads = new ReadEndpoints(Objects.requireNonNull(source, "source"));
        this.tls = tls.map(ListenerTls::new);
        this.access = new AccessCheck(allowlist, this.tls.map(ListenerTls::checksClientCertificates).orElse(false),
                Objects.requireNonNull(auth, "auth"));
        this.writes = new WriteEndpoints(List.copyOf(writeEndpoints), access);
    }

    /**
     * Patroni's {@code http_extra_headers} (and {@code https_extra_headers} under TLS), sent on every answer, and
     * {@code request_queue_size}, the listen backlog; call before {@link #start()}.
     */
    public synchronized RestApiServer withListenerOptions(Map<String, String> headers, OptionalInt requestQueueSize) {
        if (server != null) {
            throw new IllegalStateException("REST API server already started");
        }
        extraHeaders = Map.copyOf(headers);
        acceptQueue = requestQueueSize.orElse(ACCEPT_QUEUE);
        return this;
    }

    /** Binds and starts serving; throws {@link RestApiException} if the address cannot be bound. */
    public synchronized void start() {
        if (closed || server != null) {
            throw new IllegalStateException(closed ? "REST API server is closed" : "REST API server already started");
        }
        QueuedThreadPool pool = threadPool();
        Server created = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // Paths are matched by substring like Patroni does, so odd paths (//x, %2F, ..) must reach the router, not a 400.
        http.setUriCompliance(UriCompliance.LEGACY);
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        if (!extraHeaders.isEmpty()) {
            // A customizer runs for every parsed request, so Jetty's own answers (404, 413) carry them too.
            Map<String, String> headers = extraHeaders;
            http.addCustomizer((request, responseHeaders) -> {
                headers.forEach(responseHeaders::put);
                return request;
            });
        }
        // No separate acceptor thread: the selector accepts too. One selector is plenty for a few probes a second,
        // and it never blocks: idle or half-sent connections cost it nothing until they time out.
        ServerConnector bound = tls.map(t -> https(created, http, t))
                .orElseGet(() -> new ServerConnector(created, 0, 1, new HttpConnectionFactory(http)));
        bound.setHost(host);
        bound.setPort(requestedPort);
        bound.setIdleTimeout(IDLE_TIMEOUT_MS);
        bound.setAcceptQueueSize(acceptQueue);
        created.addConnector(bound);
        // Bodies over the limit are refused with 413: at once when declared by Content-Length, else as they stream.
        SizeLimitHandler bodyLimit = new SizeLimitHandler(MAX_BODY_BYTES, -1);
        bodyLimit.setHandler(new Routes(pool));
        created.setHandler(bodyLimit);
        try {
            created.start();
        } catch (Exception e) {
            stopQuietly(created);
            throw new RestApiException("Couldn't start the REST API on " + address(requestedPort)
                    + ", check restapi.listen: " + (e.getMessage() != null ? e.getMessage() : e), e);
        }
        server = created;
        connector = bound;
        LOG.info("REST API listening on {}{}", tls.isPresent() ? "https://" : "http://", address(connector.getLocalPort()));
    }

    private static ServerConnector https(Server server, HttpConfiguration http, ListenerTls tls) {
        HttpConfiguration secured = new HttpConfiguration(http);
        // Client certificates become a request attribute; no SNI or Host checks, which Patroni does not make.
        secured.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        return new ServerConnector(server, 0, 1, new SslConnectionFactory(tls.factory(), HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(secured));
    }

    /**
     * Serves the certificate, key and CA of {@code next} when their files changed, on the same listener: new
     * connections get them, open ones keep theirs.
     *
     * @return whether a new certificate is now served; false when nothing changed
     * @throws IllegalArgumentException one line naming the key whose file cannot be used; the running one stays
     * @throws IllegalStateException    when this server speaks plain HTTP
     */
    public boolean reloadCertificates(ServerTls next) {
        ListenerTls listener = tls.orElseThrow(() -> new IllegalStateException("the REST API serves plain HTTP"));
        try {
            return listener.reload(next);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("restapi.certfile: cannot serve the new certificate: " + OneLine.of(e), e);
        }
    }

    /** The serial number of the certificate served now; empty over plain HTTP. */
    public Optional<BigInteger> certificateSerial() {
        return tls.map(ListenerTls::serial);
    }

    /** A reload's allowlist, for the write requests from now on. */
    public void allowlist(Allowlist next) {
        access.allowlist(next);
    }

    /** The bound port; meaningful once started. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("REST API server not started");
        }
        return connector.getLocalPort();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            stopQuietly(server);
            server = null;
            connector = null;
        }
        writes.close();
    }

    /** Every method and path: reads inline, everything else on a pool thread. */
    private final class Routes extends Handler.Abstract {
        private final QueuedThreadPool pool;

        Routes(QueuedThreadPool pool) {
            // Non-blocking: Jetty may call handle() on the selector thread; see handle() for what may block.
            super(Invocable.InvocationType.NON_BLOCKING);
            this.pool = pool;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String method = request.getMethod();
            if ("*".equals(request.getHttpURI().getPath())) {
                // "OPTIONS *" (asterisk form) names no resource; the servlet layer answered it 404.
                Response.writeError(request, response, callback, 404);
                return true;
            }
            if (READ_METHODS.contains(method)) {
                RestResponse answer;
                try {
                    answer = reads.respond(method, request.getHttpURI().getPath(), query(request));
                } catch (Exception e) {
                    answer = failure(method, request, e);
                }
                send(response, callback, answer);
                return true;
            }
            try {
                pool.execute(() -> handleWrite(request, response, callback));
            } catch (RejectedExecutionException e) {
                send(response, callback, failure(method, request, e));
            }
            return true;
        }

        private void handleWrite(Request request, Response response, Callback callback) {
            String method = request.getMethod();
            String path = request.getHttpURI().getPath();
            CompletableFuture<RestResponse> answer;
            try {
                Map<String, List<String>> query = query(request);
                answer = writes.dispatch(method, path, caller(request),
                        () -> new WriteRequest(method, path, query, headers(request.getHeaders()), body(request),
                                Request.getRemoteAddr(request)));
            } catch (Exception e) {
                answer = CompletableFuture.completedFuture(failure(method, request, e));
            }
            answer.whenComplete((r, e) -> send(response, callback, e == null ? r : failure(method, request, e)));
        }
    }

    private static AccessCheck.Caller caller(Request request) {
        boolean certified = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl
                && ssl.peerCertificates() != null && ssl.peerCertificates().length > 0;
        return new AccessCheck.Caller(Request.getRemoteAddr(request), certified,
                request.getHeaders().get(HttpHeader.AUTHORIZATION));
    }

    private static Map<String, List<String>> query(Request request) {
        return QueryString.parse(request.getHttpURI().getQuery());
    }

    /** First value per name, like the servlet header map the write endpoints were written against. */
    private static Map<String, String> headers(HttpFields fields) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpField field : fields) {
            headers.putIfAbsent(field.getName(), field.getValue());
        }
        return headers;
    }

    private static byte[] body(Request request) {
        try {
            CompletableFuture<byte[]> body = new CompletableFuture<>();
            Content.Source.asByteArrayAsync(request, -1, Promise.Invocable.toPromise(body)); // bounded by SizeLimitHandler
            return body.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the request body", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpException h && h.getCode() == 413) {
                throw new BodyTooLarge(); // the SizeLimitHandler's verdict on a streamed body over the limit
            }
            throw new IllegalStateException("reading the request body failed: " + e.getCause(), e.getCause());
        }
    }

    /** The body exceeds {@link #MAX_BODY_BYTES}: answered 413. */
    private static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super("request body larger than " + MAX_BODY_BYTES + " bytes", null, false, false);
        }
    }

    private static void send(Response response, Callback callback, RestResponse answer) {
        response.setStatus(answer.status());
        HttpFields.Mutable headers = response.getHeaders();
        answer.headers().forEach(headers::put);
        byte[] body = answer.body();
        headers.put(HttpHeader.CONTENT_TYPE, contentType(answer.contentType()));
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, body.length > 0 ? ByteBuffer.wrap(body) : null, callback);
    }

    // The servlet layer formatted "type; charset=x" as "type;charset=x" and filled in text/plain when a response
    // had no type; keep the bytes on the wire as they were.
    private static String contentType(String type) {
        if (type == null) {
            return NO_CONTENT_TYPE;
        }
        Matcher m = SINGLE_CHARSET.matcher(type);
        return m.matches() ? m.group(1) + ";charset=" + m.group(2) : type;
    }

    // Never a stack trace to the client: malformed input is the client's problem (4xx), anything else 503,
    // which load balancers read as "do not route here".
    private static RestResponse failure(String method, Request request, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof BodyTooLarge) {
            return RestResponse.error(413);
        }
        LOG.warn("{} {} failed: {}", method, request.getHttpURI().getPath(), cause.toString());
        LOG.debug("stack trace of the failed request", cause);
        return "GET".equals(method) || !READ_METHODS.contains(method)
                ? RestResponse.error(503) : RestResponse.statusOnly(503);
    }

    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, THREAD_IDLE_TIMEOUT_MS);
        pool.setName("vigil-rest");
        pool.setDaemon(true);
        // Reserved threads only pay off under heavy load; here they would just hold memory.
        pool.setReservedThreads(0);
        return pool;
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception e) {
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
