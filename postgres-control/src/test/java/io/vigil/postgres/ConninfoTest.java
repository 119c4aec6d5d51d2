package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
    assertThat(Conninfo.dsn("postgres", "replicator", "10.0.0.11", 5432))
        .isEqualTo("dbname=postgres user=replicator host=10.0.0.11 port=5432");
  }
}
