// The running version, read once from the project's package.json (found by walking up, so it works
// from src/ under Vitest and from dist/src/ when built).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findPackageJson(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("package.json not found above the Itinera sources");
    dir = parent;
  }
}

export const projectRoot = path.dirname(findPackageJson());
export const version: string = (JSON.parse(fs.readFileSync(findPackageJson(), "utf8")) as { version: string })
  .version;
