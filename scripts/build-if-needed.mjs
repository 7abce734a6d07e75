// Compiles TypeScript when dist/ is missing or older than any source file, so `npm start` works
// straight after `npm install` and stays fast afterwards.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const marker = path.join(root, "dist", ".built");

function newest(dir) {
  let t = 0;
  if (!fs.existsSync(dir)) return t;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(
  newest(path.join(root, "src")),
  newest(path.join(root, "bench")),
  fs.statSync(path.join(root, "tsconfig.json")).mtimeMs,
);
const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
if (sources > built) {
  process.stderr.write("Building Itinera (TypeScript)…\n");
  execFileSync(
    process.execPath,
    [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.json")],
    {
      stdio: "inherit",
    },
  );
  fs.writeFileSync(marker, new Date().toISOString());
}
