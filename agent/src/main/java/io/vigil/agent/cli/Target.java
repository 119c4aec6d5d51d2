package io.vigil.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.DcsException;
import io.vigil.dcs.ZooKeeperDcs;
import io.vigil.dcs.ZooKeeperDcsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which cluster the CLI talks to, found like patronictl does: {@code -c} (or
 * {@code PATRONICTL_CONFIG_FILE}) gives scope, namespace and ZooKeeper hosts; {@code --dcs-url}
 * overrides the hosts; a cluster-name argument overrides the scope. The CLI needs only these keys,
 * so it reads them leniently rather than validating a whole agent configuration.
 */
final class Target implements AutoCloseable {

  private static final int CTL_TTL = 30;
  private static final int CTL_LOOP_WAIT = 10;
  private static final int CTL_RETRY_TIMEOUT = 10;

  final String scope;
  final String basePath;
  final String connectString;
  private ZooKeeperDcs dcs;

  private Target(String scope, String namespace, String connectString) {
    this.scope = scope;
    this.basePath = ("/" + namespace + "/" + scope).replaceAll("/+", "/");
    this.connectString = connectString;
  }

  static Target resolve(Path configFile, String dcsUrl, String clusterName) {
    Path file = configFile;
    if (file == null && System.getenv("PATRONICTL_CONFIG_FILE") != null) {
      file = Path.of(System.getenv("PATRONICTL_CONFIG_FILE"));
    }
    JsonNode yaml = read(file);
    String scope = clusterName != null ? clusterName : text(yaml.path("scope"), System.getenv("PATRONI_SCOPE"));
    String namespace = text(yaml.path("namespace"), System.getenv().getOrDefault("PATRONI_NAMESPACE", "/service"));
    String hosts = dcsUrl != null ? hostsFromUrl(dcsUrl) : hostsFromYaml(yaml.path("zookeeper").path("hosts"));
    if (hosts == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("no ZooKeeper to talk to: give -c <patroni.yml> with zookeeper.hosts, or --dcs-url");
    }
    if (scope == null || scope.isEmpty()) {
      throw new IllegalArgumentException("no cluster name: give -c <patroni.yml> with scope, or the cluster name");
    }
    return new Target(scope, namespace, hosts);
  }

  ClusterView read() throws DcsException {
    if (dcs == null) {
      dcs = ZooKeeperDcs.connect(new ZooKeeperDcsSettings(connectString, basePath,
          "vigilctl-" + ProcessHandle.current().pid(), CTL_TTL, CTL_LOOP_WAIT, CTL_RETRY_TIMEOUT));
    }
    return dcs.read();
  }

  @Override
  public void close() {
    if (dcs != null) {
      dcs.close();
    }
  }

  private static JsonNode read(Path file) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    if (file == null) {
      return yaml.createObjectNode();
    }
    try {
      JsonNode n = yaml.readTree(Files.readString(file));
      return n == null ? yaml.createObjectNode() : n;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"));
    }
  }

  private static String text(JsonNode n, String fallback) {
    return n.isValueNode() ? n.asText() : fallback;
  }

  private static String hostsFromYaml(JsonNode hosts) {
    if (hosts.isTextual()) {
      return hosts.asText().replace(" ", "");
    }
    List<String> out = new ArrayList<>();
    hosts.forEach(h -> out.add(h.asText()));
    return String.join(",", out);
  }

  /** {@code zookeeper://host:port} (default port 2181), as patronictl accepts it. */
  static String hostsFromUrl(String url) {
    String hosts = url.replaceFirst("^zookeeper://", "").replaceAll("/.*$", "");
    List<String> out = new ArrayList<>();
    for (String h : hosts.split(",")) {
      out.add(h.contains(":") ? h : h + ":2181");
    }
    return String.join(",", out);
  }
}
