// Abuse and web safety on real servers, the input: bodies nested too deep, and errors the framework and
// node answer themselves (in the envelope), before any route runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nestsDeeperThan } from "../src/json-depth.js";
import {
  basicAuth,
  type ErrorReply,
  type IngestReply,
  startTestServer,
  storedCounts,
  type TestServer,
  uid,
} from "./helpers/server.js";
import { hostOf, rawRequest } from "./helpers/web-safety.js";

/** An object nested `depth` levels deep (the outer object is level 1). */
function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: true };
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

/** The same as JSON text, built without recursion (JSON.stringify overflows a few thousand levels down). */
const nestedText = (depth: number) => `${'{"a":'.repeat(depth - 1)}{"leaf":true}${"}".repeat(depth - 1)}`;

/** Posts `body` as is to a collect route with the dev write key, under the given content type. */
const postRaw = <T = ErrorReply>(server: TestServer, route: string, contentType: string, body: string) =>
  server.raw<T>(route, {
    method: "POST",
    headers: { authorization: basicAuth("wk_test_dev_key_0001"), "content-type": contentType },
    body,
  });

describe("the edge of a server with default settings", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
  });
  afterAll(() => server?.close());

  describe("bodies nested too deep", () => {
    it("answer a deep single event 400 with the reason, at 5,000 levels and just past the limit", async () => {
      for (const depth of [5000, 63]) {
        // properties is level 2, so an object of depth d inside it makes the event d + 2 deep.
        const res = await postRaw(
          server,
          "/v1/track",
          "application/json",
          `{"event":"Deep","userId":"${uid("u")}","properties":{"x":${nestedText(depth)}}}`,
        );
        expect(res.status, String(depth)).toBe(400);
        expect(res.body.error.code).toBe("invalid_message");
        expect(res.body.error.message).toBe(
          "message nests objects or arrays more than 64 levels deep; flatten its properties, traits or context",
        );
      }
      const atLimit = await server.collect("/v1/track", {
        event: "Deep",
        userId: uid("u"),
        properties: { x: nested(62) },
      });
      expect(atLimit.status).toBe(200);
    });

    it("reject a deep event in a batch alone and store its neighbours", async () => {
      const ids = [uid("m0"), uid("m1"), uid("m2"), uid("m3"), uid("m4")];
      const batch = JSON.stringify({
        batch: [
          { type: "track", event: "A", userId: "deep-u", messageId: ids[0] },
          { type: "identify", userId: "deep-u", traits: "DEEP", messageId: ids[1] },
          { type: "page", name: "Home", anonymousId: "deep-a", messageId: ids[2] },
          { type: "track", event: "B", userId: "deep-u", context: { app: [["DEEP"]] }, messageId: ids[3] },
          {
            type: "track",
            event: "C",
            userId: "deep-u",
            properties: { list: [1, 2, [3, [4]]] },
            messageId: ids[4],
          },
        ],
      }).replaceAll('"DEEP"', nestedText(4000));
      const res = await postRaw<IngestReply>(server, "/v1/batch", "application/json", batch);
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(3);
      expect(res.body.rejected.map((r) => [r.index, r.messageId])).toEqual([
        [1, ids[1]],
        [3, ids[3]],
      ]);
      expect(res.body.rejected[0]!.reason).toMatch(/more than 64 levels deep/);
      const counts = await storedCounts(server, ids);
      expect([...counts.values()]).toEqual([1, 0, 1, 0, 1]);
    });

    it("count arrays and objects alike, the value itself as level 1, scalars as no level", () => {
      expect(nestsDeeperThan([[[]]], 3)).toBe(false);
      expect(nestsDeeperThan([[[]]], 2)).toBe(true);
      expect(nestsDeeperThan({ a: [{ b: "x" }] }, 3)).toBe(false);
      expect(nestsDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
      expect(nestsDeeperThan("text", 1)).toBe(false);
      expect(nestsDeeperThan(JSON.parse(nestedText(100_000)), 64)).toBe(true);
    });

    it("answer a deep /api body 400 too_deep", async () => {
      const res = await server.raw<ErrorReply>("/api/accounts", {
        method: "POST",
        headers: { authorization: `Bearer ${server.apiToken}`, "content-type": "application/json" },
        body: `{"email":"${uid("d")}@example.com","name":"D","extra":${nestedText(5000)}}`,
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        code: "too_deep",
        message: "the body nests objects or arrays more than 64 levels deep",
        status: 400,
      });
    });
  });

  describe("errors answered before any route runs", () => {
    it("answer an over-long path parameter 414 in the envelope", async () => {
      const res = await server.api<ErrorReply>(`/api/accounts/${"x".repeat(150)}`, { method: "DELETE" });
      expect(res.status).toBe(414);
      expect(res.body.error).toMatchObject({ code: "uri_too_long", status: 414 });
    });

    it("answer a malformed URL 400 bad_url in the envelope", async () => {
      const res = await server.api<ErrorReply>("/api/accounts/%E0%A4%A/password", { body: {} });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "bad_url", status: 400 });
    });

    it("answer headers too large 431 and a request that is not HTTP 400, in the envelope", async () => {
      const big = await rawRequest(
        server.url,
        `GET /healthz HTTP/1.1\r\nHost: ${hostOf(server.url)}\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      );
      expect(big.status).toBe(431);
      expect(big.headers).toMatch(/content-type: application\/json/i);
      expect(big.body).toEqual({
        error: {
          code: "headers_too_large",
          message: "the request headers are too large (16 KB at most)",
          status: 431,
        },
      });
      const garbage = await rawRequest(server.url, "HELLO THERE\r\n\r\n");
      expect(garbage.status).toBe(400);
      expect((garbage.body as ErrorReply).error.code).toBe("bad_request");
    });

    it("answer ids and cursors past 2^53 400, not a database error", async () => {
      for (const path of [
        "/api/customers/99999999999999999999999",
        "/api/journey-map/customers?audience=cohort&after=99999999999999999999999",
      ]) {
        const res = await server.api<ErrorReply>(path);
        expect(res.status, path).toBe(400);
        expect(res.body.error.code).toBe("invalid_request");
      }
    });

    it("answer a wrong content type 415 and broken JSON 400, in the envelope", async () => {
      const xml = await postRaw(server, "/v1/track", "application/xml", "<track/>");
      expect(xml.status).toBe(415);
      expect(xml.body.error.code).toBe("unsupported_media_type");
      const broken = await postRaw(server, "/v1/track", "application/json", '{"event": "A", ');
      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe("invalid_json");
    });
  });
});
