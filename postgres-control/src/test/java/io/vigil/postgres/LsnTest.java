package io.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {

  @Test
  void parsesAndFormatsLikePostgres() {
    Lsn lsn = Lsn.parse("0/3000060");
    assertThat(lsn.value()).isEqualTo(0x3000060L);
    assertThat(lsn).hasToString("0/3000060");

    Lsn high = Lsn.parse("16/b374d848");
    assertThat(high.value()).isEqualTo((0x16L << 32) | 0xB374D848L);
    assertThat(high).hasToString("16/B374D848");
    assertThat(new Lsn(0)).hasToString("0/0");
  }

  @Test
  void comparesAsUnsigned() {
    Lsn top = Lsn.parse("FFFFFFFF/FFFFFFFF");
    assertThat(top.value()).isEqualTo(-1L);
    assertThat(top).isGreaterThan(Lsn.parse("0/1"));
    assertThat(Lsn.parse("1/0")).isGreaterThan(Lsn.parse("0/FFFFFFFF"));
  }

  @Test
  void rejectsWhatIsNotAnLsn() {
    for (String bad : new String[] {"", "0", "/1", "1/", "1/2/3", "x/1", "123456789/0"}) {
      assertThatThrownBy(() -> Lsn.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
