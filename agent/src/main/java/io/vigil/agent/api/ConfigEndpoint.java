package io.vigil.agent.api;

import io.vigil.dcs.ClusterView;
import io.vigil.dcs.ConfigNode;
import io.vigil.dcs.DcsException;
import io.vigil.restapi.RestResponse;
import io.vigil.restapi.WriteRequest;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PATCH /config} (merge, compare-and-set on the version read) and {@code PUT /config} (full
 * replacement, unconditional), wire spec 5.4. Both refuse a configuration that {@link DynamicConfigRules}
 * rejects with 400 and the key path, where Patroni would store it and let every agent ignore it.
 */
final class ConfigEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigEndpoint.class);

  private final AgentControl control;

  ConfigEndpoint(AgentControl control) {
    this.control = control;
  }

  RestResponse patch(WriteRequest http) {
    RequestBody body = RequestBody.required(http);
    if (!body.ok()) {
      return body.error().get();
    }
    try {
      return patch(body.value());
    } catch (DcsException e) {
      LOG.warn("PATCH /config: {}", e.getMessage());
      return RestResponse.error(503);
    }
  }

  private RestResponse patch(Map<String, Object> request) throws DcsException {
    Optional<ConfigNode> current = control.readCluster().config();
    if (current.isEmpty()) {
      return RestResponse.error(503);
    }
    Map<String, Object> data = ConfigPatch.mutableCopy(current.get().data());
    if (ConfigPatch.apply(data, request)) {
      Optional<String> problem = DynamicConfigRules.problem(data, current.get().data());
      if (problem.isPresent()) {
        return RestResponse.text(400, problem.get());
      }
      if (!control.writeConfig(data, OptionalInt.of(current.get().version()))) {
        LOG.info("PATCH /config: the configuration changed since version {} was read", current.get().version());
        return RestResponse.error(409);
      }
      LOG.info("dynamic configuration changed by PATCH /config: {}", request);
    }
    control.wakeUp();
    return RestResponse.json(200, data);
  }

  RestResponse put(WriteRequest http) {
    RequestBody body = RequestBody.required(http);
    if (!body.ok()) {
      return body.error().get();
    }
    Map<String, Object> current;
    try {
      ClusterView view = control.readCluster();
      current = view.config().map(ConfigNode::data).orElse(Map.of());
    } catch (DcsException e) {
      LOG.warn("PUT /config: cannot read the cluster: {}", e.getMessage());
      return RestResponse.error(502);
    }
    Optional<String> problem = DynamicConfigRules.problem(body.value(), current);
    if (problem.isPresent()) {
      return RestResponse.text(400, problem.get());
    }
    if (!body.value().equals(current)) {
      try {
        if (!control.writeConfig(body.value(), OptionalInt.empty())) {
          return RestResponse.error(502);
        }
      } catch (DcsException e) {
        LOG.warn("PUT /config: {}", e.getMessage());
        return RestResponse.error(502);
      }
      LOG.info("dynamic configuration replaced by PUT /config");
      control.wakeUp();
    }
    return RestResponse.json(200, body.value());
  }
}
