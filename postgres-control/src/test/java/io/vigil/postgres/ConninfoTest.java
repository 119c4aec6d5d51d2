package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConninfoTest {

  @Test
  void primaryConninfoMatchesPatroniKeywordOrder() {
    String conninfo = LocalPostgres.primaryConninfo("10.0.0.11", 5432, new Credentials("replicator", "secret"),
        Path.of("/home/postgres/pgpass"), "node2");
    assertThat(conninfo).isEqualTo("user=replicator passfile=/home/postgres/pgpass host=10.0.0.11 port=5432"
        + " sslmode=prefer application_name=node2 gssencmode=prefer channel_binding=prefer");
  }

  @Test
  void withoutPasswordThereIsNoPassfileAndThePasswordIsNeverInlined() {
    String conninfo = LocalPostgres.primaryConninfo("db1", 5433, new Credentials("replicator", ""),
        Path.of("/pgpass"), "n2");
    assertThat(conninfo).isEqualTo("user=replicator host=db1 port=5433 sslmode=prefer application_name=n2"
        + " gssencmode=prefer channel_binding=prefer");
    assertThat(LocalPostgres.primaryConninfo("db1", 1, new Credentials("r", "s3cret"), Path.of("/p"), "n"))
        .doesNotContain("s3cret");
  }

  @Test
  void escapesSpaceQuoteAndBackslash() {
    String conninfo = LocalPostgres.primaryConninfo("h", 1, new Credentials("rep user", "x"),
        Path.of("/my dir/pgpass"), "it's\\me");
    assertThat(conninfo).startsWith("user=rep\\ user passfile=/my\\ dir/pgpass host=h port=1 ")
        .contains(" application_name=it\\'s\\\\me ");
  }

  @Test
  void basebackupDsnHasNoPassword() {
    assertThat(Conninfo.dsn("postgres", new Credentials("replicator", "s3cret"), "10.0.0.11", 5432))
        .isEqualTo("dbname=postgres user=replicator host=10.0.0.11 port=5432");
  }

  @Test
  void replicationUsersLibpqSettingsInPatronisOrder() {
    Map<String, String> libpq = new LinkedHashMap<>();
    libpq.put("sslmode", "verify-full");
    libpq.put("sslcert", "/etc/ssl/rep.crt");
    libpq.put("sslkey", "/etc/ssl/rep.key");
    libpq.put("sslrootcert", "/etc/ssl/ca.crt");
    libpq.put("sslcrldir", "/etc/ssl/crl");
    libpq.put("gssencmode", "disable");
    libpq.put("krbsrvname", "postgres");
    String conninfo = LocalPostgres.primaryConninfo("h", 1, new Credentials("rep", "x", libpq),
        Path.of("/pgpass"), "n2");
    assertThat(conninfo).isEqualTo("user=rep passfile=/pgpass host=h port=1 sslmode=verify-full"
        + " sslcert=/etc/ssl/rep.crt sslkey=/etc/ssl/rep.key sslrootcert=/etc/ssl/ca.crt sslcrldir=/etc/ssl/crl"
        + " application_name=n2 krbsrvname=postgres gssencmode=disable channel_binding=prefer");
    assertThat(Conninfo.rewindDsn("postgres", new Credentials("postgres", "", Map.of("sslmode", "require")), "h", 1))
        .isEqualTo("dbname=postgres user=postgres host=h port=1 sslmode=require target_session_attrs=read-write");
  }

  @Test
  void agentsOwnConnectionUsesPgjdbcNames() {
    assertThat(JdbcOptions.of(Map.of("sslmode", "verify-ca", "channel_binding", "require", "sslcrl", "/crl",
        "krbsrvname", "pg")))
        .containsOnly(Map.entry("sslmode", "verify-ca"), Map.entry("channelBinding", "require"),
            Map.entry("kerberosServerName", "pg"));
  }
}
