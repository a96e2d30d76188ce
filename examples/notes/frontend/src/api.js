// Small fetch wrapper for the notes API (same origin, under /api).

export class ApiError extends Error {}

// Returns { data, servedBy }; throws ApiError with a readable message.
export async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, {
      ...options,
      headers: { Accept: "application/json", ...options.headers },
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError("Cannot reach the server.");
  }
  // A proxy in front of the API may answer with HTML (e.g. a 502 page), so
  // don't assume the body is JSON.
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = data && data.error ? data.error : response.statusText;
    throw new ApiError(`${response.status}: ${detail}`);
  }
  return { data, servedBy: response.headers.get("X-Served-By") };
}

export function listNotes(signal) {
  return api("/api/notes", { signal });
}

export function createNote(body) {
  return api("/api/notes", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ body }),
  });
}
