// No personal data in the logs: a real server logging at "trace" receives events with an email address
// and a phone number, searches for them, gets bad requests carrying them (broken JSON, a deep event,
// oversized headers, a malformed request, a rate-limited call), and its whole log output is searched.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  basicAuth,
  type ErrorReply,
  startTestServer,
  type TestServer,
  uid,
  WRITE_KEY,
} from "./helpers/server.js";

const EMAIL = "jisoo.park.private@example.org";
const PHONE = "+82 10-4821-7735";
/** The forms a phone number takes once written down: as sent, digits only, national. */
const PHONE_FORMS = [PHONE, "+821048217735", "821048217735", "01048217735", "4821-7735", "48217735"];

/**
 * A log line as text to search, with any Buffer pino serialised ({"type":"Buffer","data":[71,69,…]})
 * decoded: node's parse errors carry the request's raw bytes that way.
 */
function readable(line: string): string {
  const decoded = JSON.parse(line, (_k, v: unknown) => {
    const b = v as { type?: unknown; data?: unknown };
    return b && b.type === "Buffer" && Array.isArray(b.data)
      ? Buffer.from(b.data as number[]).toString("utf8")
      : v;
  }) as unknown;
  return JSON.stringify(decoded);
}

let server: TestServer;
const lines: string[] = [];

/** Sends raw bytes and waits for the server to close the connection. */
function rawRequest(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => {});
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

beforeAll(async () => {
  server = await startTestServer({
    config: {
      logLevel: "trace",
      journeyRefreshSeconds: 0,
      rateLimit: { collectRequests: 1000, collectWindowSeconds: 60, apiRequests: 6, apiWindowSeconds: 60 },
      // Two events fit the ingest log's backlog, three get 503: a server-side failure that is logged.
      writer: { maxBacklogEvents: 2 },
    },
    logTo: { write: (line: string) => void lines.push(line) },
  });
});
afterAll(() => server?.close());

describe("log hygiene", () => {
  it("the server logs at trace level, and none of its lines holds the email or the phone number", async () => {
    const userId = uid("u");
    const ok = await server.collect("/v1/batch", {
      batch: [
        { type: "identify", userId, traits: { email: EMAIL, phone: PHONE, name: "Ji-soo Park" } },
        {
          type: "track",
          userId,
          event: "Signed Up",
          properties: { email: EMAIL },
          context: { traits: { phone: PHONE } },
        },
        { type: "track", event: "No identity", properties: { contact: EMAIL } },
      ],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.accepted).toBe(2);

    const busy = await server.collect<ErrorReply>("/v1/batch", {
      batch: [1, 2, 3].map((i) => ({
        type: "track",
        userId: EMAIL,
        event: "Busy",
        properties: { i, phone: PHONE },
      })),
    });
    expect(busy.status).toBe(503);

    // Bad requests that carry the data: broken JSON, a deep event, a wrong type, an unknown write key.
    const post = (body: string, key = WRITE_KEY) =>
      server.raw<ErrorReply>("/v1/track", {
        method: "POST",
        headers: { authorization: basicAuth(key), "content-type": "application/json" },
        body,
      });
    expect((await post(`{"event":"A","userId":"${EMAIL}","properties":{"phone":"${PHONE}"`)).status).toBe(
      400,
    );
    const deep = `{"event":"A","userId":"${EMAIL}","properties":${'{"a":'.repeat(5000)}"${PHONE}"${"}".repeat(5000)}}`;
    expect((await post(deep)).status).toBe(400);
    expect((await post(`{"event":"","userId":"${EMAIL}"}`)).status).toBe(400);
    expect((await post(`{"event":"A","userId":"${EMAIL}"}`, "wk_unknown_key_123")).status).toBe(401);

    // The product API: searches and lookups with the data in the query string and the path.
    for (let i = 0; i < 7; i++)
      await server.api(`/api/customers?q=${encodeURIComponent(i % 2 ? EMAIL : PHONE)}`);
    await server.api(`/api/customers/${encodeURIComponent(EMAIL)}`);
    await server.api(`/api/customers/${encodeURIComponent(EMAIL)}%zz`);

    // Errors node answers before Fastify: headers too large, a malformed request line.
    const big = await rawRequest(
      server.url,
      `GET /api/customers?q=${encodeURIComponent(EMAIL)} HTTP/1.1\r\nHost: x\r\nX-Phone: ${PHONE}\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(big).toMatch(/^HTTP\/1.1 431/);
    expect(await rawRequest(server.url, `GET /?q=${EMAIL} HTTP/1.1 ${PHONE}\r\n\r\n`)).toMatch(
      /^HTTP\/1.1 400/,
    );

    await server.close();
    const log = lines.map(readable).join("\n");
    // The capture works: the 503 was logged as an error, the client errors at debug level.
    expect(log).toContain('"msg":"request failed"');
    expect(log).toContain('"msg":"client error"');
    expect(log.toLowerCase()).not.toContain(EMAIL);
    expect(log).not.toContain(encodeURIComponent(EMAIL));
    expect(log).not.toContain("jisoo.park.private");
    for (const form of PHONE_FORMS) expect(log, form).not.toContain(form);
  });
});
