package io.tierlift.onprem.ssh;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostPatternsTest {
    @Test
    void wildcards() {
        assertThat(HostPatterns.glob("web1.example.com", "*.example.com")).isTrue();
        assertThat(HostPatterns.glob("example.com", "*.example.com")).isFalse();
        assertThat(HostPatterns.glob("web1", "web?")).isTrue();
        assertThat(HostPatterns.glob("web10", "web?")).isFalse();
        assertThat(HostPatterns.glob("anything", "*")).isTrue();
        assertThat(HostPatterns.glob("", "*")).isTrue();
        assertThat(HostPatterns.glob("a-b-c", "a*c")).isTrue();
        assertThat(HostPatterns.glob("a-b-cd", "a*c")).isFalse();
        assertThat(HostPatterns.glob("[10.0.0.1]:2222", "[10.0.0.*]:2222")).isTrue();
    }

    @Test
    void negationWinsOverAMatch() {
        assertThat(HostPatterns.matchesHostLine("db1", List.of("*", "!db1"))).isFalse();
        assertThat(HostPatterns.matchesHostLine("db2", List.of("*", "!db1"))).isTrue();
        assertThat(HostPatterns.matchesList("10.0.0.7", "10.0.0.*,!10.0.0.1")).isTrue();
        assertThat(HostPatterns.matchesList("10.0.0.1", "10.0.0.*,!10.0.0.1")).isFalse();
    }
}
