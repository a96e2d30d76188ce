import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The build is served from the site root next to the API (/api/...), so the
// defaults are what deployment relies on: dist/index.html plus content-hashed
// files under dist/assets/ that can be cached forever.
export default defineConfig({
  plugins: [react()],
  server: {
    // `npm run dev` only: forward API calls to a locally running Gunicorn.
    proxy: {
      "/api": process.env.NOTES_API_URL || "http://127.0.0.1:8000",
    },
  },
});
