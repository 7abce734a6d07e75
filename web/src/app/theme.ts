// The dashboard's theme, with text colours that read at WCAG AA (4.5:1) wherever Mantine puts them:
// Mantine's own dimmed grey, link blue and light-badge colours fall short on white and on its tints, so
// each is darkened here until it passes on every background it is drawn on (measured by axe in
// test/web/accessibility.test.ts).
import { type CSSVariablesResolver, createTheme, darken, luminance } from "@mantine/core";

/** WCAG AA for text, with a little room so rounding in a browser cannot tip it under. */
const AA = 4.6;

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `color`, darkened in small steps until it reads at AA on each of `backgrounds`. */
export function readableOn(color: string, backgrounds: readonly string[]): string {
  let c = color;
  for (let step = 1; step <= 20 && backgrounds.some((b) => contrast(c, b) < AA); step++)
    c = darken(color, step * 0.04);
  return c;
}

/** Black or white, whichever reads better on a background (a heatmap cell, a filled badge). */
export function textOn(background: string): "#000000" | "#ffffff" {
  return contrast("#ffffff", background) >= contrast("#000000", background) ? "#ffffff" : "#000000";
}

export const theme = createTheme({
  primaryColor: "blue",
  // Shade 8 of the blue: white text on a filled button reads at 5:1 (shade 6 gives 3.6:1).
  primaryShade: { light: 8, dark: 8 },
  // Filled components of every colour pick black or white text, at the luminance where both are AA.
  autoContrast: true,
  luminanceThreshold: 0.179,
  fontFamily:
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans KR', 'Noto Sans CJK KR', 'Apple SD Gothic Neo', sans-serif",
  defaultRadius: "md",
});

/**
 * Light scheme only (the dashboard has no dark one): dimmed text and links readable on white and on the
 * palest two shades of every colour (cards, table stripes, highlighted cells), and the text of a light
 * badge or button readable on its own tint.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const tints = ["#ffffff", ...Object.values(t.colors).flatMap((shades) => [shades[0], shades[1]])];
  const light: Record<string, string> = {
    "--mantine-color-dimmed": readableOn(t.colors.gray[6], tints),
    "--mantine-color-anchor": readableOn(t.colors[t.primaryColor]?.[8] ?? t.colors.blue[8], tints),
  };
  for (const [name, shades] of Object.entries(t.colors))
    light[`--mantine-color-${name}-light-color`] = readableOn(shades[9], [shades[1], shades[0], "#ffffff"]);
  return { variables: {}, light, dark: {} };
};
