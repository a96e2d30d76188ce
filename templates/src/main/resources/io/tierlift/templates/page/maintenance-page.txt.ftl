<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${app}: down for maintenance</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 15vh auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; }
</style>
</head>
<body>
<h1>${name} is down for maintenance</h1>
<p>We are making changes and will be back shortly. Please try again in a few minutes.</p>
</body>
</html>
