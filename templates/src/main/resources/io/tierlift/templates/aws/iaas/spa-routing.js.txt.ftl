// Single-page app routing on the S3 behaviour only: a path whose last segment has no file
// extension is an app route, so CloudFront serves /index.html and the React router takes over.
// /api/* never reaches this function, so API status codes are left alone.
function handler(event) {
    var request = event.request;
    var uri = request.uri;
    var lastSegment = uri.substring(uri.lastIndexOf('/') + 1);
    if (lastSegment.indexOf('.') === -1) {
        request.uri = '/index.html';
    }
    return request;
}
