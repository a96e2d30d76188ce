package io.tierlift.render.onprem.firewall;

/**
 * View model of the boot unit that loads a host's firewall file again after a reboot.
 *
 * @param nft       the nft program (Debian's nftables package)
 * @param rulesFile the rules tierlift places
 */
public record FirewallUnit(String nft, String rulesFile) {
}
