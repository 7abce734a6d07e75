// Builds the dashboard (Vite) into dist/web and writes gzip and brotli copies of its text assets, which
// the server sends to browsers that accept them. Prints the size of what the first screen loads.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const out = process.env.ITINERA_WEB_OUT ?? path.join(root, "dist", "web");

execFileSync(
  process.execPath,
  [
    path.join(root, "node_modules", "vite", "bin", "vite.js"),
    "build",
    "--config",
    "web/vite.config.ts",
    "--logLevel",
    "warn",
  ],
  { cwd: root, stdio: "inherit" },
);

const COMPRESSIBLE = /\.(js|css|html|svg|json|map)$/;
for (const name of fs.readdirSync(path.join(out, "assets"))) {
  if (!COMPRESSIBLE.test(name) || name.endsWith(".map")) continue;
  const file = path.join(out, "assets", name);
  const body = fs.readFileSync(file);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
  fs.writeFileSync(
    `${file}.br`,
    zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
}

const { initialAssets } = await import("./web-size.mjs");
const initial = initialAssets(out);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
process.stderr.write(
  `Dashboard built: first screen loads ${initial.files.length} files, JavaScript ${kb(initial.jsGzip)} gzipped (CSS ${kb(initial.cssGzip)}).\n`,
);
