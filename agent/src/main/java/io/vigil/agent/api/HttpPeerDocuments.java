package io.vigil.agent.api;

import io.vigil.dcs.MemberNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code GET <api_url>} of each member, all at once, with Patroni's timeout (connect and read, 2 s each) and no
 * retry. Plain {@link HttpURLConnection} on short-lived threads: the JDK's HttpClient would keep a selector
 * thread and some 270 classes in every agent for a request made only during leader races and switchovers.
 */
public final class HttpPeerDocuments implements PeerDocuments {

  /** A status document is a few hundred bytes; anything far larger is not one. */
  private static final int MAX_BODY_BYTES = 1 << 20;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final int timeoutMillis;
  private final Supplier<ClientTls> tls;
  /** One thread per request in flight, none once idle for a few seconds. */
  private final ExecutorService requests = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
      new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "vigil-peer-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
      });

  /** @param tls for members whose api_url is https, as of the request (a reload may renew the certificate) */
  public HttpPeerDocuments(Duration timeout, Supplier<ClientTls> tls) {
    this.timeoutMillis = (int) timeout.toMillis();
    this.tls = tls;
  }

  @Override
  public List<Optional<Map<String, Object>>> fetch(List<MemberNode> members) {
    List<Future<Optional<Map<String, Object>>>> calls = members.stream()
        .map(m -> requests.submit(() -> get(m))).toList();
    return calls.stream().map(this::result).toList();
  }

  private Optional<Map<String, Object>> result(Future<Optional<Map<String, Object>>> call) {
    try {
      // each request is bounded by its own connect and read timeouts; this only guards against surprises
      return call.get(2L * timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      call.cancel(true);
      return Optional.empty();
    }
  }

  private Optional<Map<String, Object>> get(MemberNode member) {
    if (member.apiUrl().isEmpty()) {
      return Optional.empty();
    }
    try {
      URLConnection opened = URI.create(member.apiUrl().get()).toURL().openConnection();
      if (!(opened instanceof HttpURLConnection c)) {
        return Optional.empty();
      }
      c.setConnectTimeout(timeoutMillis);
      c.setReadTimeout(timeoutMillis);
      c.setUseCaches(false);
      tls.get().apply(c);
      // a node whose PostgreSQL is down answers 503 with its document, which still counts
      try (InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream()) {
        return in == null ? Optional.empty() : parse(new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8));
      }
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static Optional<Map<String, Object>> parse(String body) {
    try {
      Object doc = RequestBody.JSON.readValue(body, Object.class);
      if (doc instanceof Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return Optional.of(out);
      }
    } catch (Exception garbage) {
      // unreachable for our purposes
    }
    return Optional.empty();
  }
}
