package io.tierlift.onprem.ssh;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JumpHopTest {
    @Test
    void listOfHopsWithUsersAndPorts() {
        assertThat(JumpHop.parseList("ops@bastion:2222, inner ,ssh://me@[fd00::1]:23"))
                .containsExactly(
                        new JumpHop(Optional.of("ops"), "bastion", Optional.of(2222)),
                        new JumpHop(Optional.empty(), "inner", Optional.empty()),
                        new JumpHop(Optional.of("me"), "fd00::1", Optional.of(23)));
    }

    @Test
    void bareIpv6AddressHasNoPort() {
        assertThat(JumpHop.parseList("fd00::1")).containsExactly(new JumpHop(Optional.empty(), "fd00::1", Optional.empty()));
    }

    @Test
    void noneMeansNoJump() {
        assertThat(JumpHop.parseList("none")).isEqualTo(List.of());
    }

    @Test
    void badPortsAreRefused() {
        assertThatThrownBy(() -> JumpHop.parseList("bastion:http")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> JumpHop.parseList("bastion:70000")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> JumpHop.parseList("@bastion")).hasMessageContaining("empty");
    }
}
