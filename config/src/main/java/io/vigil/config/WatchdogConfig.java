package io.vigil.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What stops this node's PostgreSQL when its agent freezes: Patroni's {@code watchdog} section and Vigil's own
 * {@code vigil.fence}.
 *
 * @param mode         {@code off}, {@code automatic} or {@code required} (Patroni's aliases normalised)
 * @param device       the watchdog device, {@code /dev/watchdog} by default
 * @param safetyMargin seconds between the watchdog (and fence) deadline and the lock's expiry; -1 means ttl / 2
 * @param driver       {@code default} (the Linux ioctls) or Patroni's {@code testing} (ioctls become writes, so a
 *                     FIFO or a file can stand in for the device)
 * @param fence        Vigil's fence process ({@code vigil.fence}, on by default): stops PostgreSQL when the agent
 *                     has not confirmed the lock by the deadline, with or without a watchdog device
 */
public record WatchdogConfig(String mode, String device, int safetyMargin, String driver, boolean fence) {

    public static final String OFF = "off";
    public static final String AUTOMATIC = "automatic";
    public static final String REQUIRED = "required";
    public static final String DEFAULT_DEVICE = "/dev/watchdog";
    public static final String TESTING_DRIVER = "testing";

    public WatchdogConfig {
        if (!Set.of(OFF, AUTOMATIC, REQUIRED).contains(mode)) {
            throw new IllegalArgumentException("unknown watchdog mode: " + mode);
        }
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(driver, "driver");
        if (safetyMargin < -1) {
            throw new IllegalArgumentException("safety_margin must be -1 or at least 0: " + safetyMargin);
        }
    }

    /** Patroni's defaults: automatic, {@code /dev/watchdog}, a 5 s margin; the fence on. */
    public static WatchdogConfig defaults() {
        return new WatchdogConfig(AUTOMATIC, DEFAULT_DEVICE, 5, "default", true);
    }

    public WatchdogConfig withMode(String m) {
        return new WatchdogConfig(m, device, safetyMargin, driver, fence);
    }

    public WatchdogConfig withFence(boolean on) {
        return new WatchdogConfig(mode, device, safetyMargin, driver, on);
    }

    /** Seconds from a confirmation of the lock to the deadline: ttl − safety_margin, or ttl / 2 for a margin of -1. */
    public int timeoutSeconds(int ttl) {
        return safetyMargin == -1 ? ttl / 2 : ttl - safetyMargin;
    }

    /**
     * Patroni's aliases are accepted. An unknown mode is an error here, where Patroni silently turns
     * the watchdog off: a typo should not disable split-brain protection.
     */
    static WatchdogConfig from(ConfigNode watchdog, ConfigNode vigil) {
        ConfigNode margin = watchdog.get("safety_margin");
        int safetyMargin = margin.integer(5);
        if (safetyMargin < -1) {
            throw margin.error("expected -1 (ttl / 2) or a number of seconds of at least 0, got " + safetyMargin);
        }
        ConfigNode driverNode = watchdog.get("driver");
        String driver = driverNode.string("default").strip().toLowerCase(Locale.ROOT);
        if (!Set.of("default", TESTING_DRIVER).contains(driver)) {
            throw driverNode.error("expected default or testing, got " + ConfigNode.describe(driverNode.value()));
        }
        String device = watchdog.get("device").string(DEFAULT_DEVICE);
        if (device.isBlank()) {
            throw watchdog.get("device").error("expected the path of a watchdog device, got an empty string");
        }
        return new WatchdogConfig(mode(watchdog.get("mode")), device, safetyMargin, driver, fence(vigil.get("fence")));
    }

    private static String mode(ConfigNode mode) {
        if (!mode.isPresent()) {
            return AUTOMATIC;
        }
        // an unquoted `mode: off` is a YAML 1.1 boolean
        if (Boolean.FALSE.equals(mode.value())) {
            return OFF;
        }
        return switch (mode.value().toString().strip().toLowerCase(Locale.ROOT)) {
            case "off", "disable", "disabled" -> OFF;
            case "automatic", "auto" -> AUTOMATIC;
            case "required", "require" -> REQUIRED;
            default -> throw mode.error("expected off, automatic or required, got " + ConfigNode.describe(mode.value()));
        };
    }

    private static boolean fence(ConfigNode fence) {
        if (!fence.isPresent()) {
            return true;
        }
        return switch (ConfigNode.scalarText(fence.value()).strip().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw fence.error("expected on or off, got " + ConfigNode.describe(fence.value()));
        };
    }
}
