// CLI tables line up in a terminal, Korean names included.
import { describe, expect, it } from "vitest";
import { displayWidth, table } from "../src/cli/output.js";

describe("CLI tables", () => {
  it("counts Hangul as two columns", () => {
    expect(displayWidth("김지민")).toBe(6);
    expect(displayWidth("kim")).toBe(3);
  });

  it("aligns the column after a Korean name with the one after a Latin name", () => {
    const out = table(
      [
        { name: "김지민", id: 1 },
        { name: "kim minji", id: 2 },
      ],
      ["name", "id"],
    ).split("\n");
    const idColumn = (line: string) => displayWidth(line.slice(0, line.lastIndexOf(" ") + 1));
    expect(idColumn(out[2]!)).toBe(idColumn(out[3]!));
  });
});
