# Requests per second per client address to /api/ (the client address, also behind a WAF host).
limit_req_zone $binary_remote_addr zone=${zone}:10m rate=${ratePerSecond}r/s;
limit_req_status 429;
limit_req_log_level warn;
