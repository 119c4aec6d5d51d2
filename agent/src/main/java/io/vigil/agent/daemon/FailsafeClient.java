package io.vigil.agent.daemon;

import io.vigil.agent.api.ClientTls;
import io.vigil.agent.ha.FailsafeRound;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The failsafe confirmation round (wire spec 3.14): {@code POST /failsafe} to every other member named in the last
 * {@code /failsafe} read, all at once, 2 s timeout and one retry each, with {@code Authorization: Basic} from
 * {@code restapi.authentication} when set (as Patroni sends it). The round is accepted only if every one answered
 * 200 with the body {@code Accepted}; a topology naming only this node is accepted at once.
 */
final class FailsafeClient {

  static final int TIMEOUT_MS = FailsafeRound.ANSWER_TIMEOUT_MS;
  static final int ATTEMPTS = 2;
  private static final int MAX_BODY_BYTES = 4_096;

  private final Optional<String> authorization;
  private final Supplier<ClientTls> tls;

  /**
   * @param credentials {@code restapi.authentication} as username and password, when configured
   * @param tls         for members whose api_url is https, as of the round
   */
  FailsafeClient(Optional<Map.Entry<String, String>> credentials, Supplier<ClientTls> tls) {
    this.tls = tls;
    this.authorization = credentials.map(c -> "Basic " + Base64.getEncoder()
        .encodeToString((c.getKey() + ":" + c.getValue()).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * @param topology  the last {@code /failsafe} read; empty when none was ever read
   * @param me        this member's name
   * @param body      the request body ({@code name}, {@code conn_url}, {@code api_url}, {@code slots})
   * @param startedAt when the round starts, on the monotonic clock
   */
  FailsafeRound round(Optional<Map<String, String>> topology, String me, Map<String, Object> body, long startedAt) {
    if (topology.isEmpty()) {
      return FailsafeRound.refused("no /failsafe was read before ZooKeeper became unreachable", startedAt);
    }
    if (!topology.get().containsKey(me)) {
      return FailsafeRound.refused("/failsafe does not name me", startedAt);
    }
    List<Map.Entry<String, String>> others = topology.get().entrySet().stream()
        .filter(e -> !e.getKey().equals(me)).toList();
    if (others.isEmpty()) {
      return FailsafeRound.accepted(startedAt);
    }
    byte[] json = Json.write(body);
    ExecutorService pool = Executors.newFixedThreadPool(others.size(), r -> {
      Thread t = new Thread(r, "vigil-failsafe");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Optional<String>>> calls = new ArrayList<>();
      for (Map.Entry<String, String> peer : others) {
        calls.add(pool.submit(() -> post(peer.getKey(), peer.getValue(), json)));
      }
      List<String> refusals = new ArrayList<>();
      for (Future<Optional<String>> call : calls) {
        try {
          call.get(ATTEMPTS * 2L * TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS).ifPresent(refusals::add);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          refusals.add("interrupted");
        } catch (Exception e) {
          refusals.add("no answer in time");
        }
      }
      return refusals.isEmpty() ? FailsafeRound.accepted(startedAt)
          : FailsafeRound.refused(String.join("; ", refusals), startedAt);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Empty when the member accepted; else why not. */
  private Optional<String> post(String name, String apiUrl, byte[] json) {
    String last = "";
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        URI base = URI.create(apiUrl);
        URLConnection opened = new URI(base.getScheme(), base.getAuthority(), "/failsafe", null, null).toURL()
            .openConnection();
        if (!(opened instanceof HttpURLConnection c)) {
          return Optional.of(name + ": api_url " + apiUrl + " is not http(s)");
        }
        c.setConnectTimeout(TIMEOUT_MS);
        c.setReadTimeout(TIMEOUT_MS);
        c.setUseCaches(false);
        tls.get().apply(c);
        c.setDoOutput(true);
        c.setRequestMethod("POST");
        c.setRequestProperty("Content-Type", "application/json");
        authorization.ifPresent(a -> c.setRequestProperty("Authorization", a));
        try (OutputStream out = c.getOutputStream()) {
          out.write(json);
        }
        int status = c.getResponseCode();
        String text;
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
          text = in == null ? "" : new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
        }
        if (status == 200 && text.equals("Accepted")) {
          return Optional.empty();
        }
        // An answer is final: only a failed request is retried.
        return Optional.of(name + " answered " + status + (status == 500 ? " " + text.strip() : ""));
      } catch (IOException | IllegalArgumentException | java.net.URISyntaxException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      }
    }
    return Optional.of(name + " did not answer (" + last + ")");
  }

  /** Compact JSON of the request body. */
  static final class Json {
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
        new com.fasterxml.jackson.databind.ObjectMapper();

    private Json() {}

    static byte[] write(Map<String, Object> body) {
      try {
        return MAPPER.writeValueAsBytes(body);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(e);
      }
    }
  }
}
