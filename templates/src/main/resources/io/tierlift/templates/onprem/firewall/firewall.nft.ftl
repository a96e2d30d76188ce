#!/usr/sbin/nft -f
# Host firewall of ${hostName}, placed by tierlift; local edits are overwritten.
# Apply with: nft -f /etc/tierlift/firewall.nft
#
# Declaring the table first lets the delete succeed on the first run too; nft applies the file
# as one transaction, so re-applying swaps tierlift's rules at once and leaves other tables alone.
table inet tierlift
delete table inet tierlift

table inet tierlift {
	chain input {
		type filter hook input priority filter; policy drop;

		ct state established,related accept
		ct state invalid drop
		iif "lo" accept
		icmp type echo-request accept

<#if sshFromAnywhere>
		# No admin_networks in the descriptor: SSH is open to every address.
		tcp dport ${sshPort} accept comment "ssh from anywhere"
<#else>
		ip saddr { <#list adminNetworks as network>${network}<#sep>, </#list> } tcp dport ${sshPort} accept comment "ssh from admin networks"
</#if>
<#list rules as rule>
<#if rule.fromAnywhere>
		tcp dport ${rule.port} accept comment "${rule.purposes}"
<#else>
		ip saddr ${rule.source} tcp dport ${rule.port} accept comment "${rule.purposes} from ${rule.fromHost}"
</#if>
</#list>
	}

	chain output {
		type filter hook output priority filter; policy accept;
	}
}
