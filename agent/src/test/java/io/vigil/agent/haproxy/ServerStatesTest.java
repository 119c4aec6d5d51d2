package io.vigil.agent.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code show stat} as HAProxy 2.6 answers it right after start and a second later (columns trimmed). */
class ServerStatesTest {

  private static final String HEADER = "# pxname,svname,qcur,status,weight,check_status,last_chk\n";

  @Test
  void notSettledWhileAServerIsUncheckedOrGoingDown() {
    assertThat(ServerStates.settled(HEADER
        + "primary,FRONTEND,,OPEN,,,\n"
        + "primary,node1,0,DOWN,1,L4CON,Connection refused\n"
        + "primary,node2,0,UP 1/2,1,INI,\n"
        + "primary,BACKEND,0,UP,1,,\n")).isFalse();
    assertThat(ServerStates.settled(HEADER
        + "primary,node1,0,UP,1,* L7OK,\n"
        + "primary,node2,0,UP 1/2,1,L7STS,HTTP status check returned code <503>\n")).isFalse();
  }

  @Test
  void settledOnceEveryServerWasCheckedAndIsUpOrDown() {
    assertThat(ServerStates.settled(HEADER
        + "primary,FRONTEND,,OPEN,,,\n"
        + "primary,node1,0,UP,1,* L7OK,\n"
        + "primary,node2,0,DOWN,1,L7STS,HTTP status check returned code <503>\n"
        + "primary,BACKEND,0,UP,1,,\n"
        + "replicas,node1,0,DOWN,1,L7STS,HTTP status check returned code <503>\n"
        + "replicas,node2,0,UP,1,L7OK,\n")).isTrue();
  }

  @Test
  void anAnswerWithoutServersOrHeaderIsNotSettled() {
    assertThat(ServerStates.settled("")).isFalse();
    assertThat(ServerStates.settled("Unknown command\n")).isFalse();
    assertThat(ServerStates.settled(HEADER + "primary,FRONTEND,,OPEN,,,\n")).isFalse();
  }
}
