package io.vigil.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.agent.api.ClientTls;
import io.vigil.agent.daemon.ZooKeeperSecurity;
import io.vigil.config.ConfigException;
import io.vigil.config.CtlConfig;
import io.vigil.config.ZooKeeperConfig;
import io.vigil.dcs.ClusterView;
import io.vigil.dcs.DcsException;
import io.vigil.dcs.ZooKeeperDcs;
import io.vigil.dcs.ZooKeeperDcsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which cluster the CLI talks to and how, found like patronictl does: {@code -c} (or
 * {@code PATRONICTL_CONFIG_FILE}, or {@code ~/.config/patroni/patronictl.yaml} when it exists) gives scope,
 * namespace, ZooKeeper hosts, REST credentials and the superuser; {@code --dcs-url} overrides the hosts; a
 * cluster-name argument overrides the scope. The CLI needs only these keys, so it reads them leniently
 * rather than validating a whole agent configuration.
 */
final class Target implements AutoCloseable {

  private static final int CTL_TTL = 30;
  private static final int CTL_LOOP_WAIT = 10;
  private static final int CTL_RETRY_TIMEOUT = 10;

  final String scope;
  final String basePath;
  final String connectString;
  final JsonNode yaml;
  private final Map<String, String> env;
  /** --dcs-url replaces the whole zookeeper section, as in patronictl: no TLS or ACL settings then. */
  private final boolean zookeeperFromConfig;
  private ZooKeeperDcs dcs;

  private Target(String scope, String namespace, String connectString, JsonNode yaml, Map<String, String> env,
                 boolean zookeeperFromConfig) {
    this.zookeeperFromConfig = zookeeperFromConfig;
    this.scope = scope;
    this.basePath = ("/" + namespace + "/" + scope).replaceAll("/+", "/");
    this.connectString = connectString;
    this.yaml = yaml;
    this.env = env;
  }

  static Target resolve(Path configFile, String dcsUrl, String clusterName) {
    Map<String, String> env = System.getenv();
    JsonNode yaml = read(configFile(configFile, env));
    String scope = clusterName != null ? clusterName : configuredScope(yaml, env);
    String namespace = text(yaml.path("namespace"), env.getOrDefault("PATRONI_NAMESPACE", "/service"));
    String url = dcsUrl != null ? dcsUrl : env.get("DCS_URL");
    String hosts = url != null ? hostsFromUrl(url) : hostsFromYaml(yaml.path("zookeeper").path("hosts"));
    if ((hosts == null || hosts.isEmpty()) && env.get("PATRONI_ZOOKEEPER_HOSTS") != null) {
      hosts = env.get("PATRONI_ZOOKEEPER_HOSTS").replaceAll("[\\[\\]'\" ]", "");
    }
    if (hosts == null || hosts.isEmpty()) {
      throw CtlException.usage("no ZooKeeper to talk to: give -c <patroni.yml> with zookeeper.hosts, or --dcs-url");
    }
    if (scope == null || scope.isEmpty()) {
      throw CtlException.usage("no cluster name: give -c <patroni.yml> with scope, or the cluster name");
    }
    return new Target(scope, namespace, hosts, yaml, env, url == null);
  }

  /** The scope the configuration names, or null: decides whether a first positional is a cluster name. */
  static String configuredScope(Path configFile) {
    Map<String, String> env = System.getenv();
    return configuredScope(read(configFile(configFile, env)), env);
  }

  private static String configuredScope(JsonNode yaml, Map<String, String> env) {
    return text(yaml.path("scope"), env.get("PATRONI_SCOPE"));
  }

  ClusterView read() throws DcsException {
    return dcs().read();
  }

  ZooKeeperDcs dcs() {
    if (dcs == null) {
      ZooKeeperDcsSettings plain = new ZooKeeperDcsSettings(connectString, basePath,
          "vigilctl-" + ProcessHandle.current().pid(), CTL_TTL, CTL_LOOP_WAIT, CTL_RETRY_TIMEOUT);
      try {
        dcs = ZooKeeperDcs.connect(ZooKeeperSecurity.apply(plain, zooKeeperConfig()));
      } catch (IllegalArgumentException e) {
        throw new CtlException(e.getMessage()); // a TLS file of the zookeeper section cannot be used
      }
    }
    return dcs;
  }

  /** The zookeeper section (TLS files, set_acls) as the agent reads it; plain with --dcs-url. */
  ZooKeeperConfig zooKeeperConfig() {
    if (!zookeeperFromConfig) {
      return new ZooKeeperConfig(List.of(connectString.split(",")));
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = new ObjectMapper().convertValue(yaml, Map.class);
      return ZooKeeperConfig.forClient(tree, env, connectString);
    } catch (ConfigException e) {
      throw CtlException.usage(e.getMessage());
    }
  }

  /**
   * {@code username:password} for the members' REST API: {@code ctl.authentication}, else {@code ctl.auth}, else
   * {@code restapi.authentication} (or {@code PATRONI_RESTAPI_USERNAME}/{@code _PASSWORD}).
   */
  Optional<String> restCredentials() {
    JsonNode ctl = yaml.path("ctl");
    if (ctl.path("authentication").isObject()) {
      return Optional.of(credentials(ctl.path("authentication")));
    }
    if (ctl.path("auth").isTextual()) {
      return Optional.of(ctl.path("auth").asText());
    }
    if (yaml.path("restapi").path("authentication").isObject()) {
      return Optional.of(credentials(yaml.path("restapi").path("authentication")));
    }
    if (env.get("PATRONI_RESTAPI_USERNAME") != null) {
      return Optional.of(env.get("PATRONI_RESTAPI_USERNAME") + ":" + env.getOrDefault("PATRONI_RESTAPI_PASSWORD", ""));
    }
    return Optional.empty();
  }

  /**
   * TLS for the members' REST API from the {@code ctl} keys (else the {@code restapi} ones) and their
   * {@code PATRONI_CTL_*} / {@code PATRONI_RESTAPI_*} variables; {@code -k} or {@code ctl.insecure} skip verification.
   */
  ClientTls restTls(boolean insecure) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = new ObjectMapper().convertValue(yaml, Map.class);
      return ClientTls.forCtl(CtlConfig.forClient(tree, env), insecure);
    } catch (ConfigException | IllegalArgumentException e) {
      throw CtlException.usage(e.getMessage());
    }
  }

  /** The superuser of {@code postgresql.authentication} (or the legacy {@code postgresql.superuser}); may be empty. */
  String[] superuser() {
    JsonNode pg = yaml.path("postgresql");
    JsonNode su = pg.path("authentication").path("superuser");
    if (!su.isObject()) {
      su = pg.path("superuser");
    }
    String user = text(su.path("username"), env.getOrDefault("PATRONI_SUPERUSER_USERNAME", "postgres"));
    String password = text(su.path("password"), env.get("PATRONI_SUPERUSER_PASSWORD"));
    return new String[] {user, password};
  }

  /** Ends the ZooKeeper session; the CLI exits right after, so the client's own wind-down is not waited for. */
  @Override
  public void close() {
    if (dcs != null) {
      dcs.closeBeforeExit();
    }
  }

  private static String credentials(JsonNode auth) {
    return text(auth.path("username"), "") + ":" + text(auth.path("password"), "");
  }

  private static Path configFile(Path given, Map<String, String> env) {
    if (given != null) {
      return given;
    }
    if (env.get("PATRONICTL_CONFIG_FILE") != null) {
      return Path.of(env.get("PATRONICTL_CONFIG_FILE"));
    }
    Path dflt = Path.of(System.getProperty("user.home"), ".config", "patroni", "patronictl.yaml");
    return Files.isReadable(dflt) ? dflt : null;
  }

  private static JsonNode read(Path file) {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    if (file == null) {
      return mapper.createObjectNode();
    }
    if (!Files.isReadable(file)) {
      throw CtlException.usage("Provided config file " + file + " not existing or no read rights."
          + " Check the -c/--config-file parameter");
    }
    try {
      JsonNode n = mapper.readTree(Files.readString(file));
      return n == null || !n.isObject() ? mapper.createObjectNode() : n;
    } catch (IOException e) {
      throw CtlException.usage(file + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable"));
    }
  }

  private static String text(JsonNode n, String fallback) {
    return n.isValueNode() && !n.isNull() ? n.asText() : fallback;
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
