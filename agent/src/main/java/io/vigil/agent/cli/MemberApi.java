package io.vigil.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.api.ClientTls;
import io.vigil.dcs.MemberNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * patronictl's {@code request_patroni}: a call to a member's REST API at its {@code api_url} with the path
 * replaced by the endpoint, Basic auth when configured, TLS as {@link ClientTls#forCtl} (client certificate,
 * verification against {@code ctl.cacert} unless {@code -k}). Connections time out after 5 s; each call says how
 * long it may wait for the answer.
 */
final class MemberApi {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The answer: status and body text. */
  record Response(int status, String body) {}

  private final Optional<String> authorization;
  private final HttpClient http;

  MemberApi(Optional<String> credentials, ClientTls tls) {
    this.authorization = credentials.map(c -> "Basic "
        + Base64.getEncoder().encodeToString(c.getBytes(StandardCharsets.UTF_8)));
    if (!tls.verifies()) {
      // the JDK client has no per-client switch for this; vigilctl is a short-lived process of its own
      System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    }
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1)
        .sslContext(tls.context()).build();
  }

  Response get(MemberNode member, String endpoint) throws IOException {
    return call(member, "GET", endpoint, null, DEFAULT_TIMEOUT);
  }

  /**
   * @param body a JSON-serialisable value, or null for no body
   * @throws IOException when the member has no usable api_url or cannot be reached
   */
  Response call(MemberNode member, String method, String endpoint, Object body, Duration timeout) throws IOException {
    URI uri = uri(member, endpoint);
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json(body));
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout).method(method, publisher);
    if (body != null) {
      req.header("Content-Type", "application/json");
    }
    authorization.ifPresent(a -> req.header("Authorization", a));
    try {
      HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  /** The member's status document ({@code GET <api_url>}). */
  Map<String, Object> status(MemberNode member) throws IOException {
    Response r = call(member, "GET", "patroni", null, DEFAULT_TIMEOUT);
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> doc = JSON.readValue(r.body(), Map.class);
      return doc;
    } catch (JsonProcessingException | ClassCastException e) {
      throw new IOException("member " + member.name() + " sent no status document");
    }
  }

  static URI uri(MemberNode member, String endpoint) throws IOException {
    String api = member.apiUrl().orElseThrow(() -> new IOException("member " + member.name() + " has no api_url"));
    try {
      URI base = new URI(api);
      if (base.getScheme() == null || base.getAuthority() == null) {
        throw new IOException("member " + member.name() + " has an unusable api_url: " + api);
      }
      return new URI(base.getScheme(), base.getAuthority(), "/" + endpoint, null, null);
    } catch (URISyntaxException e) {
      throw new IOException("member " + member.name() + " has an unusable api_url: " + api);
    }
  }

  private static String json(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
