package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlotNameTest {

  @Test
  void transformsMemberNamesAsPatroniDoes() {
    assertThat(LocalPostgres.slotName("node-1.A")).isEqualTo("node_1_a");
    assertThat(LocalPostgres.slotName("n2")).isEqualTo("n2");
    assertThat(LocalPostgres.slotName("pg 1")).isEqualTo("pgu00321");
    assertThat(LocalPostgres.slotName("nöde")).isEqualTo("nu0246de");
    assertThat(LocalPostgres.slotName("a@b")).isEqualTo("au0064b");
  }

  @Test
  void truncatesTo63Characters() {
    String slot = LocalPostgres.slotName("x".repeat(60) + "-é");
    assertThat(slot).hasSize(63).isEqualTo("x".repeat(60) + "_u0");
    assertThat(SlotName.isValid(slot)).isTrue();
  }
}
