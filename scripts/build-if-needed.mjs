// Compiles the server (TypeScript) and the dashboard (Vite) when their output is missing or older than
// any of their sources, so `npm start` works straight after `npm install` and stays fast afterwards.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));

function newest(dir) {
  let t = 0;
  if (!fs.existsSync(dir)) return t;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}
const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

const parts = [
  {
    label: "server (TypeScript)",
    marker: path.join(root, "dist", ".built"),
    sources: () =>
      Math.max(
        newest(path.join(root, "src")),
        newest(path.join(root, "bench")),
        mtime(path.join(root, "tsconfig.json")),
      ),
    build: () =>
      execFileSync(
        process.execPath,
        [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.json")],
        {
          stdio: "inherit",
        },
      ),
  },
  {
    label: "dashboard (Vite)",
    marker: path.join(root, "dist", ".built-web"),
    // The dashboard imports the API's schema types from src/, but only as types: its own folder decides.
    sources: () => Math.max(newest(path.join(root, "web")), mtime(path.join(root, "package-lock.json"))),
    build: () =>
      execFileSync(process.execPath, [path.join(root, "scripts", "build-web.mjs")], { stdio: "inherit" }),
  },
];

for (const part of parts) {
  if (part.sources() <= mtime(part.marker)) continue;
  process.stderr.write(`Building Itinera's ${part.label}…\n`);
  part.build();
  fs.writeFileSync(part.marker, new Date().toISOString());
}
