# ModSecurity rules of this host, rendered by tierlift: the engine settings, then the OWASP CRS
# set-up and the CRS rules from Debian's modsecurity-crs. Plain Include only: libmodsecurity3
# refuses Apache's IncludeOptional, which Debian's owasp-crs.load uses.
<#list includes as file>
Include ${file}
</#list>
