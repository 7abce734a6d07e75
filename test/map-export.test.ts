// The journey map's CSV cells: quoting, and text a spreadsheet would run as a formula made inert.
import { describe, expect, it } from "vitest";
import { csvField } from "../src/journey/map/export.js";

describe("journey map CSV cells", () => {
  it("quote separators and quotes", () => {
    expect(csvField('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvField(null)).toBe("");
  });

  it("make formulas inert and leave numbers alone", () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField("+1+1")).toBe("'+1+1");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tcmd")).toBe("'\tcmd");
    expect(csvField(-0.25)).toBe("-0.25");
    expect(csvField("Checkout (web)")).toBe("Checkout (web)");
  });
});
