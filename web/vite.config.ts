// The dashboard's build: React + TypeScript from web/src into dist/web, served by `itinera serve`.
// Views are lazy chunks, so the first screen loads only the shell (see bench/RESULTS.md for sizes).
import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: {
    // ITINERA_WEB_OUT builds elsewhere (e.g. to test one change while another build is served).
    outDir: process.env.ITINERA_WEB_OUT ?? path.join(root, "..", "dist", "web"),
    emptyOutDir: true,
    manifest: true,
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npm run dev:web` proxies the API to a running `itinera serve`.
    proxy: { "/api": "http://127.0.0.1:8700", "/v1": "http://127.0.0.1:8700" },
  },
});
