// One id per API request, as nginx gives one on-prem, on the /api/* behaviour only: a well-formed
// X-Request-ID the client sent stays; otherwise the request carries CloudFront's own id for it (the
// one CloudFront answers with as X-Amz-Cf-Id) without its base64 padding, so the app and PostgreSQL
// (an application_name) take it. Gunicorn logs it as request_id=.
var WELL_FORMED = /^[A-Za-z0-9._-]{8,63}$/;

function handler(event) {
    var request = event.request;
    var sent = request.headers['x-request-id'];
    if (!sent || !WELL_FORMED.test(sent.value)) {
        request.headers['x-request-id'] = { value: event.context.requestId.replace(/=+$/, '') };
    }
    return request;
}
