# ModSecurity engine settings, rendered by tierlift.
<#if blocking>
# Requests whose CRS anomaly score reaches the threshold are refused with 403.
<#else>
# DetectionOnly (waf.mode: detect, a learning period): rules match and are logged, nothing is blocked;
# tierlift waf report reads what would have been blocked.
</#if>
SecRuleEngine ${engine}

# Inspect request bodies; JSON and XML bodies get their own parsers.
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "@rx ^application/json" \
    "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRule REQUEST_HEADERS:Content-Type "@rx ^(?:application(?:/soap\+|/)|text/)xml" \
    "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"

# Bodies may be as large as nginx's client_max_body_size (${bodyLimitText}); larger ones are refused.
SecRequestBodyLimit ${bodyLimit}
SecRequestBodyNoFilesLimit ${bodyLimit}
SecRequestBodyLimitAction Reject
SecRequestBodyJsonDepthLimit 512
SecArgumentsLimit 1000

# A body ModSecurity cannot parse is not inspected, so it is refused.
SecRule REQBODY_ERROR "!@eq 0" \
    "id:200002,phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body.',logdata:'%{reqbody_error_msg}',severity:2"
SecRule MULTIPART_STRICT_ERROR "!@eq 0" \
    "id:200003,phase:2,t:none,log,deny,status:400,msg:'Multipart request body failed strict validation.'"
SecRule MULTIPART_UNMATCHED_BOUNDARY "@eq 1" \
    "id:200004,phase:2,t:none,log,deny,msg:'Multipart parser detected a possible unmatched boundary.'"
SecRule &ARGS "@ge 1000" \
    "id:200007,phase:2,t:none,log,deny,status:400,msg:'Too many arguments to parse fully.',severity:2"

# Bound the cost of regular expressions, and refuse requests that hit the bound.
SecPcreMatchLimit 1000
SecPcreMatchLimitRecursion 1000
SecRule TX:/^MSC_/ "!@streq 0" \
    "id:200005,phase:2,t:none,deny,msg:'ModSecurity internal error flagged: %{MATCHED_VAR_NAME}'"

# Responses are not inspected: the nginx connector would buffer whole bodies, and the API's
# responses are JSON written by the app itself.
SecResponseBodyAccess Off

SecTmpDir ${dataDir}
SecDataDir ${dataDir}

# Audit log of blocked and failed requests (not 404s).
SecAuditEngine RelevantOnly
SecAuditLogRelevantStatus "^(?:5|4(?!04))"
SecAuditLogParts ABIJDEFHZ
SecAuditLogType Serial
SecAuditLog ${auditLog}

SecArgumentSeparator &
SecCookieFormat 0
SecUnicodeMapFile ${unicodeMap} 20127
SecStatusEngine Off
