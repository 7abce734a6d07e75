// What the dashboard's first screen downloads: the entry chunk and its static imports, from Vite's
// manifest, with gzipped sizes. Used by the build's summary and by `npm run bench -- web`.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

export function initialAssets(outDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(outDir, ".vite", "manifest.json"), "utf8"));
  const entry = Object.values(manifest).find((c) => c.isEntry);
  if (!entry) throw new Error("the Vite manifest has no entry chunk");
  const files = new Set();
  const visit = (chunk) => {
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const key of chunk.imports ?? []) visit(manifest[key]);
  };
  visit(entry);
  let jsGzip = 0;
  let cssGzip = 0;
  let jsRaw = 0;
  for (const file of files) {
    const body = fs.readFileSync(path.join(outDir, file));
    const gz = zlib.gzipSync(body, { level: 9 }).length;
    if (file.endsWith(".js")) {
      jsGzip += gz;
      jsRaw += body.length;
    } else if (file.endsWith(".css")) cssGzip += gz;
  }
  return { files: [...files], jsGzip, jsRaw, cssGzip };
}

// `node scripts/web-size.mjs [DIR]` prints the first screen's assets and sizes as JSON (for the bench).
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
  const dir = process.argv[2] ?? process.env.ITINERA_WEB_OUT ?? path.join(root, "dist", "web");
  process.stdout.write(`${JSON.stringify(initialAssets(dir))}\n`);
}
