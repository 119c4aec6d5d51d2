package io.vigil.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which commands warm up the TLS context while their arguments are read: only those that reach the cluster. */
class VigilCtlStartTest {

  @Test
  void versionAndHelpPrintWithoutWarmingUpTls() {
    assertThat(VigilCtl.talksToTheCluster(new String[] {"version"})).isFalse();
    assertThat(VigilCtl.talksToTheCluster(new String[] {"-c", "p.yml", "version"})).isFalse();
    assertThat(VigilCtl.talksToTheCluster(new String[] {"switchover", "--help"})).isFalse();
    assertThat(VigilCtl.talksToTheCluster(new String[] {})).isFalse();
  }

  @Test
  void commandsThatReadTheClusterWarmUp() {
    assertThat(VigilCtl.talksToTheCluster(new String[] {"-c", "p.yml", "list"})).isTrue();
    assertThat(VigilCtl.talksToTheCluster(new String[] {"-c", "p.yml", "switchover", "--force"})).isTrue();
  }
}
