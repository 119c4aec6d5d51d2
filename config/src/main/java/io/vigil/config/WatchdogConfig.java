package io.vigil.config;

import java.util.Locale;
import java.util.Set;

/** The {@code watchdog} section. Mode is normalised to {@code off}, {@code automatic} or {@code required}. */
public record WatchdogConfig(String mode) {

    public static final String OFF = "off";
    public static final String AUTOMATIC = "automatic";
    public static final String REQUIRED = "required";

    public WatchdogConfig {
        if (!Set.of(OFF, AUTOMATIC, REQUIRED).contains(mode)) {
            throw new IllegalArgumentException("unknown watchdog mode: " + mode);
        }
    }

    /**
     * Patroni's aliases are accepted. An unknown mode is an error here, where Patroni silently turns
     * the watchdog off: a typo should not disable split-brain protection.
     */
    static WatchdogConfig from(ConfigNode watchdog) {
        ConfigNode mode = watchdog.get("mode");
        if (!mode.isPresent()) {
            return new WatchdogConfig(AUTOMATIC);
        }
        // an unquoted `mode: off` is a YAML 1.1 boolean
        if (Boolean.FALSE.equals(mode.value())) {
            return new WatchdogConfig(OFF);
        }
        return switch (mode.value().toString().strip().toLowerCase(Locale.ROOT)) {
            case "off", "disable", "disabled" -> new WatchdogConfig(OFF);
            case "automatic", "auto" -> new WatchdogConfig(AUTOMATIC);
            case "required", "require" -> new WatchdogConfig(REQUIRED);
            default -> throw mode.error("expected off, automatic or required, got " + ConfigNode.describe(mode.value()));
        };
    }
}
