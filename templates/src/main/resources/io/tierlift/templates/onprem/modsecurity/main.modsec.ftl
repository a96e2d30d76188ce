# ModSecurity rules of this host, rendered by tierlift: the engine settings, the set-up file of
# Debian's modsecurity-crs, tierlift's CRS settings, then the CRS rules of that package. Plain
# Include only: libmodsecurity3 refuses Apache's IncludeOptional, which Debian's owasp-crs.load uses.
<#list includes as file>
Include ${file}
</#list>
