# CRS rule exclusions from targets.onprem.waf.exclusions, rendered by tierlift; local edits are overwritten.
# Runtime exclusions (ctl:ruleRemoveTarget...) in phase 1, loaded before the CRS rules they act on, as the
# CRS's REQUEST-900-EXCLUSION-RULES-BEFORE-CRS convention says. Their ids are ${firstId}-${lastId}, in order.
<#list rules as r>
<#if r.everyPath>
SecAction \
    "id:${r.id},phase:1,pass,nolog,t:none,ctl:${r.ctl}=${r.rule};${r.target}"
<#else>
SecRule REQUEST_FILENAME "@beginsWith ${r.pathPrefix}" \
    "id:${r.id},phase:1,pass,nolog,t:none,ctl:${r.ctl}=${r.rule};${r.target}"
</#if>
<#else>
# None: every CRS rule inspects everything.
</#list>
