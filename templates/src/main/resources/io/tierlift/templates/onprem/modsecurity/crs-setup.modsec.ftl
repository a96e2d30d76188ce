# OWASP CRS ${crsVersion} set-up, rendered by tierlift in place of Debian's crs-setup.conf.
# Anomaly scoring: rules add to a score and one rule blocks when it reaches the threshold.
SecDefaultAction "phase:1,log,auditlog,pass"
SecDefaultAction "phase:2,log,auditlog,pass"

# Paranoia level ${paranoia}: higher levels run more rules and block more false positives.
# CRS 3 reads tx.paranoia_level; CRS 4 calls it tx.blocking_paranoia_level.
SecAction \
    "id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=${paranoia},setvar:tx.blocking_paranoia_level=${paranoia}"

# A request whose inbound anomaly score reaches ${inboundThreshold} is blocked.
SecAction \
    "id:900110,phase:1,nolog,pass,t:none,setvar:tx.inbound_anomaly_score_threshold=${inboundThreshold},setvar:tx.outbound_anomaly_score_threshold=4"

# The API is RESTful: allow its methods, not only GET, HEAD, POST and OPTIONS.
SecAction \
    "id:900200,phase:1,nolog,pass,t:none,setvar:'tx.allowed_methods=GET HEAD POST PUT PATCH DELETE OPTIONS'"

# The CRS refuses to run without this marker of a loaded set-up file.
SecAction \
    "id:900990,phase:1,nolog,pass,t:none,setvar:tx.crs_setup_version=${crsSetupVersion}"

SecCollectionTimeout 600
