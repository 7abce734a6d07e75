// Rules of the code's shape that a reviewer would otherwise have to remember: the scale-out backends
// (issue 19) can only replace the embedded database if nothing outside src/store/ depends on its driver,
// and can only sit beside an analysis's SQL if its steps hand over in the run's scratchpad (CTEs, or
// src/store/scratchpad.ts), not in session temp tables.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

describe("the shape of the code", () => {
  it("imports the database driver only in src/store/", () => {
    const offenders = sourceFiles("src").filter(
      (f) =>
        !f.startsWith(`src${path.sep}store${path.sep}`) &&
        /from "@duckdb\/node-api"/.test(fs.readFileSync(path.join(root, f), "utf8")),
    );
    expect(offenders).toEqual([]);
  });

  it("hands an analysis's steps over without session temp tables or views", () => {
    const offenders = [...sourceFiles("src/analytics"), ...sourceFiles("src/journey/map")].filter((f) =>
      /TEMP\s+(TABLE|VIEW)/i.test(fs.readFileSync(path.join(root, f), "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
