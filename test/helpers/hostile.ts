// Hostile strings for the attack tests: SQL and JSON-path metacharacters (test/injection.test.ts) and
// markup that runs script when a view renders it as HTML (test/web/xss.test.ts).

export interface Payload {
  /** Short name for failure messages. */
  label: string;
  text: string;
}

/**
 * Past the analysis API's limit on event names (200) and every name's (80), within what collection takes
 * (event names 255, user ids 512) and what search takes (256).
 */
const LONG = `${"'\"\\;".repeat(60)} OR 1=1 --`;

/**
 * Strings that break SQL assembled by concatenation, or a JSON path built from a name. None contains a
 * comma (list parameters such as the timeline's `event=a,b` split on it) or leading/trailing blanks
 * (identifiers are trimmed).
 */
export const SQL_PAYLOADS: readonly Payload[] = [
  { label: "single quote", text: "'" },
  { label: "double quote", text: '"' },
  { label: "semicolon", text: ";" },
  { label: "line comment", text: "--" },
  { label: "block comment", text: "/*" },
  { label: "backslash", text: "\\" },
  { label: "escaped quote", text: "\\'" },
  { label: "right single quotation mark", text: "’" },
  { label: "fullwidth apostrophe", text: "＇" },
  { label: "double prime", text: "″" },
  { label: "tautology", text: "' OR 1=1 --" },
  { label: "drop table", text: '"; DROP TABLE events; --' },
  { label: "union select", text: "x') UNION SELECT user_id FROM identities --" },
  { label: "NUL byte", text: "a\u0000b" },
  { label: "placeholder", text: "$1" },
  { label: "LIKE wildcards", text: "%_" },
  { label: "JSON root", text: "$" },
  { label: "JSON path", text: "$.note" },
  { label: "JSON index", text: "note[0]" },
  { label: "JSON wildcard", text: "*" },
  { label: "JSON bracket", text: "[" },
  { label: "dotted", text: "a.b" },
  { label: "very long", text: LONG },
];

/** Whether a payload fits a field's maxLength (ajv counts code points; these are all in the BMP). */
export const fits = (p: Payload, max: number): boolean => p.text.length <= max;

/** Markup that runs `window.__xss = <n>` if any view inserts it as HTML or follows it as a link. */
export const XSS_PAYLOADS: readonly Payload[] = [
  { label: "img onerror", text: "<img src=x onerror=window.__xss=1>" },
  { label: "svg onload", text: "<svg onload=window.__xss=2>" },
  { label: "script after attribute break", text: '"><script>window.__xss=3</script>' },
  { label: "javascript URL", text: "javascript:window.__xss=4//" },
];
