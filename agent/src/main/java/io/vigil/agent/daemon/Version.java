package io.vigil.agent.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Vigil's own release, filtered into the jar at build time. */
public final class Version {

  public static final String VIGIL = load();

  private Version() {}

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/vigil-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
