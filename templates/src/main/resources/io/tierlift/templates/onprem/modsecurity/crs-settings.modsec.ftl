# OWASP CRS settings of this host, rendered by tierlift; local edits are overwritten.
# Read after the set-up file of the host's own modsecurity-crs package, which sets the default
# actions and the version marker its rules check (tx.crs_setup_version), so the settings below
# fit whichever CRS release the host's sources installed. Anomaly scoring: rules add to a score,
# and one rule blocks when it reaches the threshold.

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

SecCollectionTimeout 600
