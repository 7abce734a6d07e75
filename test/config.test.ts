// The one typed configuration: defaults < config file < ITINERA_* environment < flags, validated.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultConfig, loadConfig } from "../src/config.js";
import { tempDir } from "./helpers/server.js";

const dir = tempDir("config");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** An environment whose config file holds `content` (an empty object by default). */
function envWithFile(content: unknown = {}, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const file = path.join(dir, `config-${n++}.json`);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return { ITINERA_CONFIG: file, ...extra };
}

function expectOk<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(`expected a valid configuration, got: ${r.error}`);
  return r.value;
}

function expectError(r: { ok: boolean; error?: string }): string {
  expect(r.ok).toBe(false);
  return r.error ?? "";
}

describe("loadConfig", () => {
  it("gives the documented defaults", () => {
    const c = expectOk(loadConfig({}, envWithFile()));
    expect(c).toEqual(defaultConfig);
    expect(c.port).toBe(8700);
    expect(c.databasePath).toBe("./data/itinera.duckdb");
    expect(c.limits).toEqual({ maxEventBytes: 32 * 1024, maxRequestBytes: 500 * 1024, maxJsonDepth: 64 });
    expect(c.dedupeWindowDays).toBeGreaterThanOrEqual(7);
  });

  it("reads ITINERA_* environment variables", () => {
    const c = expectOk(
      loadConfig(
        {},
        envWithFile(
          {},
          {
            ITINERA_PORT: "9123",
            ITINERA_HOST: "0.0.0.0",
            ITINERA_DATABASE: "/tmp/x.duckdb",
            ITINERA_LOG_LEVEL: "warn",
            ITINERA_WRITE_KEY: "wk_first_key,wk_second_key",
            ITINERA_DEMO: "0",
            ITINERA_DEDUPE_WINDOW_DAYS: "14",
          },
        ),
      ),
    );
    expect(c.port).toBe(9123);
    expect(c.host).toBe("0.0.0.0");
    expect(c.databasePath).toBe("/tmp/x.duckdb");
    expect(c.logLevel).toBe("warn");
    expect(c.devWriteKeys).toEqual(["wk_first_key", "wk_second_key"]);
    expect(c.demoOnFirstRun).toBe(false);
    expect(c.dedupeWindowDays).toBe(14);
  });

  it("layers file < environment < flags", () => {
    const env = envWithFile({ port: 7000, host: "10.0.0.1", logLevel: "debug" }, { ITINERA_PORT: "7100" });
    const c = expectOk(loadConfig({ logLevel: "error" }, env));
    expect(c.host).toBe("10.0.0.1"); // file only
    expect(c.port).toBe(7100); // environment beats file
    expect(c.logLevel).toBe("error"); // flag beats file
    expect(expectOk(loadConfig({ port: 7200 }, env)).port).toBe(7200); // flag beats environment
  });

  it("a partial nested setting keeps the defaults beside it", () => {
    const c = expectOk(loadConfig({ limits: { maxEventBytes: 4096 } }, envWithFile()));
    expect(c.limits).toEqual({ maxEventBytes: 4096, maxRequestBytes: 500 * 1024, maxJsonDepth: 64 });
    // Lowering one cap must not drop the others (user_id: 1 is what keeps shared devices apart).
    const capped = expectOk(loadConfig({ identity: { caps: { email: 1 } } }, envWithFile()));
    expect(capped.identity.caps.email).toBe(1);
    expect(capped.identity.caps.user_id).toBe(1);
    expect(capped.identity.caps.phone).toBe(defaultConfig.identity.caps.phone);
    expect(capped.identity.blockedValues).toEqual(defaultConfig.identity.blockedValues);
    const fromFile = expectOk(loadConfig({}, envWithFile({ identity: { caps: { phone: 2 } } })));
    expect(fromFile.identity.caps).toEqual({ ...defaultConfig.identity.caps, phone: 2 });
  });

  it("lists (blocked values, trait identifiers) are replaced, not appended to", () => {
    const c = expectOk(loadConfig({}, envWithFile({ identity: { traitIdentifiers: ["member_no"] } })));
    expect(c.identity.traitIdentifiers).toEqual(["member_no"]);
  });

  it("an invalid value gives a readable error naming the setting", () => {
    const port = expectError(loadConfig({}, envWithFile({}, { ITINERA_PORT: "eighty" })));
    expect(port).toMatch(/invalid configuration/);
    expect(port).toMatch(/\/port/);
    const level = expectError(loadConfig({}, envWithFile({}, { ITINERA_LOG_LEVEL: "loud" })));
    expect(level).toMatch(/\/logLevel/);
    expect(level).toContain('"loud"');
    const window = expectError(loadConfig({ dedupeWindowDays: 3 }, envWithFile()));
    expect(window).toMatch(/\/dedupeWindowDays/);
    const cap = expectError(loadConfig({}, envWithFile({ identity: { caps: { email: 0 } } })));
    expect(cap).toMatch(/\/identity\/caps\/email/);
    const key = expectError(loadConfig({ devWriteKeys: ["short"] }, envWithFile()));
    expect(key).toMatch(/\/devWriteKeys\/0/);
    const secure = expectError(loadConfig({}, envWithFile({}, { ITINERA_COOKIE_SECURE: "yes" })));
    expect(secure).toMatch(/\/http\/cookieSecure/);
    expect(expectOk(loadConfig({}, envWithFile({}, { ITINERA_COOKIE_SECURE: "0" }))).http.cookieSecure).toBe(
      false,
    );
    expect(
      expectOk(loadConfig({}, envWithFile({}, { ITINERA_COOKIE_SECURE: "auto" }))).http.cookieSecure,
    ).toBe("auto");
    // Every error says where to fix it.
    for (const e of [port, level, window, cap, key, secure])
      expect(e).toMatch(/flag, ITINERA_\* variable or config file/);
  });

  it("a config file that is missing or not JSON is named in the error", () => {
    const missing = path.join(dir, "nope.json");
    expect(expectError(loadConfig({}, { ITINERA_CONFIG: missing }))).toContain(missing);
    const broken = envWithFile("{ port: 1");
    const e = expectError(loadConfig({}, broken));
    expect(e).toContain(String(broken.ITINERA_CONFIG));
    expect(e).toMatch(/not valid JSON/);
  });
});
