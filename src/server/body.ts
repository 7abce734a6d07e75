// Request bodies as the collection SDKs really send them: JSON under whatever label their HTTP client
// gives it, gzip- or deflate-compressed, decoded within the same byte limit as a plain body.
import { Transform } from "node:stream";
import { createGunzip, createInflate } from "node:zlib";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HttpError } from "./errors.js";

/** Collection paths: Segment's /v1, and RudderStack's beacon path (/beacon/v1/batch?writeKey=…). */
export const isCollectPath = (url: string): boolean =>
  url.startsWith("/v1/") || url.startsWith("/beacon/v1/");

const DECODERS = { gzip: createGunzip, "x-gzip": createGunzip, deflate: createInflate } as const;
type Encoding = keyof typeof DECODERS;

/**
 * Decodes a compressed body as it streams in, failing with 413 as soon as the decoded bytes pass
 * `limit` (a few hundred KB of gzip can inflate to gigabytes, so waiting for the end is no bound), and
 * with 400 when the bytes are not what the encoding says.
 */
function decoded(payload: NodeJS.ReadableStream, encoding: Encoding, limit: number): Transform {
  const decoder = DECODERS[encoding]();
  let decodedBytes = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      decodedBytes += chunk.length;
      if (decodedBytes > limit)
        done(
          new HttpError(
            413,
            "request_too_large",
            `the ${encoding} body decompresses to more than the ${limit}-byte request limit`,
          ),
        );
      else done(null, chunk);
    },
  }) as Transform & { receivedEncodedLength: number };
  // Fastify compares Content-Length with `receivedEncodedLength` of a replaced stream (else with the
  // decoded size, which never matches a compressed body), so count the bytes as they arrive.
  out.receivedEncodedLength = 0;
  payload.on("data", (chunk: Buffer) => {
    out.receivedEncodedLength += chunk.length;
  });
  decoder.on("error", (e) =>
    out.destroy(new HttpError(400, "invalid_encoding", `the body is not valid ${encoding}: ${e.message}`)),
  );
  // Past the limit or broken: stop inflating what is still arriving.
  out.on("error", () => {
    payload.unpipe(decoder);
    decoder.destroy();
  });
  return payload.pipe(decoder).pipe(out);
}

type Done = (e: Error | null, body?: unknown) => void;

export function installBodyDecoding(app: FastifyInstance, limits: { maxRequestBytes: number }): void {
  app.addHook("preParsing", async (req, _reply, payload) => {
    const raw = req.headers["content-encoding"];
    const encoding = raw?.trim().toLowerCase();
    if (!encoding || encoding === "identity") return payload;
    if (encoding in DECODERS) return decoded(payload, encoding as Encoding, limits.maxRequestBytes);
    throw new HttpError(
      415,
      "unsupported_encoding",
      `content-encoding ${raw} is not supported; use gzip, deflate or none`,
    );
  });

  // Fastify's own JSON parser (prototype-poisoning checks included) is the callback form of its union type.
  const json = app.getDefaultJsonParser("error", "ignore") as (
    req: FastifyRequest,
    body: string,
    done: Done,
  ) => void;
  // analytics.js and analytics-next send JSON as text/plain, which spares the browser a CORS preflight;
  // so do analytics-kotlin and RudderStack's beacon (sendBeacon cannot set another type).
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser("text/plain", { parseAs: "string" }, json);

  // On /v1 two more labels are read as JSON: rudder-sdk-node posts its gzipped batch as a Buffer, which
  // axios labels application/x-www-form-urlencoded, and an HTTP client left to its defaults may send no
  // Content-Type at all. Any other type, and both of these on /api, still get 415.
  const collectJson =
    (unlabelledOnly: boolean) =>
    (req: FastifyRequest, body: string, done: Done): void => {
      const type = req.headers["content-type"];
      if (isCollectPath(req.url) && (!unlabelledOnly || type === undefined)) {
        json(req, body, done);
        return;
      }
      done(
        new HttpError(
          415,
          "unsupported_media_type",
          `content-type ${type ?? "(none)"} is not supported; send Content-Type: application/json`,
        ),
      );
    };
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, collectJson(false));
  app.addContentTypeParser("*", { parseAs: "string" }, collectJson(true));

  // sendBeacon cannot set an Authorization header, so RudderStack's beacon puts the write key in the
  // query string; the access check (permissions.ts) reads it from the body, where other SDKs put it.
  // This hook is installed before that check and so runs first.
  app.addHook("preValidation", async (req) => {
    if (!req.url.startsWith("/beacon/v1/")) return;
    const key = (req.query as { writeKey?: unknown } | undefined)?.writeKey;
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof key === "string" && body && typeof body === "object" && body.writeKey === undefined)
      body.writeKey = key;
  });
}
