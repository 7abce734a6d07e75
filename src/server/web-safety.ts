// The HTTP edge against abuse and the web's hazards: rate limits per write key and per API token or
// session, CORS (collection open to any page, /api only to the origins configured), refusing cross-site
// state changes made with the session cookie, the Secure cookie flag, timeouts for slow clients, and the
// error envelope for the errors the framework and node answer before any route runs.
import { createHash } from "node:crypto";
import type { Server } from "node:http";
import type { Socket } from "node:net";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import type {
  FastifyError,
  FastifyHttpOptions,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from "fastify";
import type { Config } from "../config.js";
import { nestsDeeperThan } from "../json-depth.js";
import { isCollectPath } from "./body.js";
import { envelope, HttpError } from "./errors.js";
import { basicAuthUser, SESSION_COOKIE, tokenOf } from "./permissions.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The request may take minutes with no byte on the socket (an import): the connection timeout, which
     * closes silent sockets, is off for it. Slow senders are still cut by the headers and request timeouts.
     */
    longRunning?: boolean;
  }
}

type Http = Config["http"];

/**
 * Fastify's options for the edge. Timeouts, each against a different slow client:
 * - headersTimeoutMs (node's headersTimeout): connect and send headers slowly or never (slowloris);
 *   answered 408 and closed.
 * - requestTimeoutMs (node's requestTimeout): the whole request, body included, must have arrived by
 *   then; it does not limit how long the answer takes, so a long import is not cut.
 * - keepAliveTimeoutMs: an idle kept-alive connection is closed after this.
 * - connectionTimeoutMs (socket inactivity): a connection silent this long is closed, also while the
 *   server works on the answer, hence `longRunning` routes turn it off.
 */
export function edgeOptions(config: Pick<Config, "http">): FastifyHttpOptions<Server> {
  const { trustProxy, headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, connectionTimeoutMs } =
    config.http;
  return {
    trustProxy,
    connectionTimeout: connectionTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    requestTimeout: requestTimeoutMs,
    // node checks the headers and request timeouts every connectionsCheckingInterval (30 s by default,
    // which would let a 5 s timeout run to 30 s).
    http: {
      headersTimeout: headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(headersTimeoutMs / 4))),
    },
    frameworkErrors,
    clientErrorHandler,
  };
}

/** Errors Fastify's router raises before a route is chosen (bad percent-encoding, an over-long parameter). */
function frameworkErrors(e: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const [status, code, message] =
    e.code === "FST_ERR_BAD_URL"
      ? [400, "bad_url", "the URL is not valid (a % not followed by two hex digits?)"]
      : e.code === "FST_ERR_MAX_PARAM_LENGTH"
        ? [414, "uri_too_long", "a path parameter is too long"]
        : [400, "bad_request", e.message];
  void reply.status(status).send(envelope(status, code, message));
}

/**
 * Errors node's HTTP parser raises before Fastify sees a request (headers too large, malformed, too
 * slow). Replaces Fastify's default, which answers outside the envelope and logs the error with its
 * `rawPacket`: the request's bytes, cookies and query strings included.
 */
function clientErrorHandler(this: FastifyInstance, e: NodeJS.ErrnoException, socket: Socket): void {
  if (e.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, message] =
    e.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [408, "request_timeout", "the request did not arrive in time"]
      : e.code === "HPE_HEADER_OVERFLOW"
        ? [431, "headers_too_large", "the request headers are too large (16 KB at most)"]
        : e.code === "HPE_URI_TOO_LONG"
          ? [414, "uri_too_long", "the URL is too long"]
          : [400, "bad_request", "the request is not valid HTTP"];
  this.log.debug({ code: e.code }, "client error");
  if (socket.writable) {
    const body = JSON.stringify(envelope(status, code, message));
    const reason = {
      400: "Bad Request",
      408: "Request Timeout",
      414: "URI Too Long",
      431: "Request Header Fields Too Large",
    }[status];
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** The Set-Cookie value for the session (an empty value and age 0 end it). */
export function sessionCookieHeader(
  req: FastifyRequest,
  http: Pick<Http, "cookieSecure">,
  value: string,
  maxAgeSeconds: number,
): string {
  // req.protocol reads X-Forwarded-Proto only when trustProxy is on.
  const secure = http.cookieSecure === "auto" ? req.protocol === "https" : http.cookieSecure;
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const digest = (secret: string) => createHash("sha256").update(secret).digest("base64url").slice(0, 22);

/**
 * Why a state-changing /api request is cross-site, or undefined when it is not. Only requests a browser
 * could make with its ambient cookie are checked: a request with an Authorization header carries its
 * credential explicitly. Browsers send Sec-Fetch-Site (all current ones) and Origin on every POST; a
 * client that sends neither is not a browser, and no page can make it send a cookie.
 */
export function crossSiteReason(req: FastifyRequest): string | undefined {
  if (!UNSAFE_METHODS.has(req.method) || !req.url.startsWith("/api/") || req.headers.authorization)
    return undefined;
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none")
    return `the browser marked it Sec-Fetch-Site: ${site}`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  // req.host is the Host header, or X-Forwarded-Host when trustProxy is on.
  return host === req.host ? undefined : `its Origin ${origin} is not this server (${req.host})`;
}

export async function installWebSafety(
  app: FastifyInstance,
  config: Pick<Config, "http" | "rateLimit" | "limits">,
): Promise<void> {
  const { http, rateLimit: limits } = config;
  // SDKs on any web page send events to /v1, without cookies; /api answers only the configured origins
  // (the dashboard is served from the same origin and needs none).
  const collectCors = { origin: "*", credentials: false, methods: ["POST"], maxAge: 86_400 };
  const apiCors = {
    origin: http.apiCorsOrigins,
    credentials: true,
    methods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
  };
  const closed = { origin: false };
  // An origin not listed gets no CORS answer at all (its preflight is refused below), not a 204 without
  // an Allow-Origin header.
  const corsFor = (req: FastifyRequest) =>
    isCollectPath(req.url)
      ? collectCors
      : req.url.startsWith("/api/") && http.apiCorsOrigins.includes(req.headers.origin ?? "")
        ? apiCors
        : closed;
  await app.register(cors, {
    strictPreflight: false,
    delegator: (req, cb) => cb(null, corsFor(req)),
  });

  await app.register(rateLimit, { global: false });
  /** A limiter counting per caller (`secretOf`, hashed; else the address), or none when `max` is 0. */
  const limiter = (
    max: number,
    windowSeconds: number,
    what: string,
    secretOf: (r: FastifyRequest) => string | undefined,
  ) =>
    max > 0
      ? app.rateLimit({
          max,
          timeWindow: windowSeconds * 1000,
          keyGenerator: (req) => {
            const secret = secretOf(req);
            return secret ? `${what}:${digest(secret)}` : `ip:${req.ip}`;
          },
          errorResponseBuilder: (_req, c) =>
            new HttpError(429, "rate_limited", `too many requests for this ${what}; retry in ${c.after}`),
        })
      : undefined;
  // At onRequest the body (and a writeKey in it) is not read yet, and should not be for a flood: /v1
  // counts the Basic-auth user name (not the whole header, whose password part a client could vary).
  const collectLimit = limiter(
    limits.collectRequests,
    limits.collectWindowSeconds,
    "write key",
    basicAuthUser,
  );
  const apiLimit = limiter(limits.apiRequests, limits.apiWindowSeconds, "API token or sign-in", tokenOf);

  app.addHook("onRequest", async (req, reply) => {
    if (req.routeOptions.config?.longRunning) req.raw.socket.setTimeout(0);
    if (isCollectPath(req.url)) return collectLimit?.call(app, req, reply);
    if (!req.url.startsWith("/api/")) return;
    // A preflight from an origin CORS does not admit (an admitted one was answered by the CORS hook).
    if (req.method === "OPTIONS")
      throw new HttpError(
        403,
        "cross_origin_refused",
        "this origin may not call /api from a browser (the setting http.apiCorsOrigins lists those that may)",
      );
    await apiLimit?.call(app, req, reply);
    const reason = crossSiteReason(req);
    if (reason)
      throw new HttpError(
        403,
        "cross_site_request",
        `refused a cross-site request made with the sign-in cookie: ${reason}`,
      );
  });

  // /api answers hold customers' data and secrets shown once: no cache (browser, proxy) may keep them, and
  // a browser must not guess a JSON answer is a page.
  app.addHook("onSend", async (req, reply) => {
    if (!req.url.startsWith("/api/")) return;
    void reply.header("cache-control", "no-store");
    void reply.header("x-content-type-options", "nosniff");
  });

  // At close, node closes the idle connections but waits for one that never sent a byte (a browser's
  // preconnect, an HTTP client's spare) until it times out: nothing is lost by cutting those.
  const connections = new Set<Socket>();
  app.server.on("connection", (socket: Socket) => {
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
  });
  app.addHook("preClose", async () => {
    const cut = () => {
      for (const socket of connections) if (socket.bytesRead === 0) socket.destroy();
    };
    cut();
    // Also those a client opens while the close goes on (after a stream ended, say).
    const sweep = setInterval(cut, 100);
    sweep.unref();
    app.server.once("close", () => clearInterval(sweep));
  });

  // /v1 measures each event on its own (normalise), so a deep one is rejected alone in its batch.
  app.addHook("preValidation", async (req) => {
    if (req.url.startsWith("/api/") && nestsDeeperThan(req.body, config.limits.maxJsonDepth))
      throw new HttpError(
        400,
        "too_deep",
        `the body nests objects or arrays more than ${config.limits.maxJsonDepth} levels deep`,
      );
  });
}
