// The one error envelope every route answers with: { "error": { "code", "message", "status" } }.
import { type Static, Type } from "@sinclair/typebox";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Problem } from "../problem.js";
import type { Result } from "../result.js";

export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: "Stable machine-readable code, e.g. invalid_json" }),
      message: Type.String({ description: "What went wrong and how to fix it" }),
      status: Type.Integer(),
      path: Type.Optional(
        Type.String({
          description:
            "For an invalid request body: the JSON pointer of the field at fault (/match/where/0/value), so a form can show the message next to it",
        }),
      ),
    }),
  },
  { $id: "ErrorEnvelope" },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

export const envelope = (status: number, code: string, message: string, path?: string): ErrorEnvelope => ({
  error: path === undefined ? { code, message, status } : { code, message, status, path },
});

/** Standard error responses, referenced by every route schema so the OpenAPI document lists them. */
export const errorResponses = {
  400: ErrorEnvelope,
  401: ErrorEnvelope,
  403: ErrorEnvelope,
  404: ErrorEnvelope,
  409: ErrorEnvelope,
  429: ErrorEnvelope,
  413: ErrorEnvelope,
  500: ErrorEnvelope,
  503: ErrorEnvelope,
} as const;

function classify(e: FastifyError): { status: number; code: string; message: string; path?: string } {
  if (e instanceof HttpError)
    return { status: e.status, code: e.code, message: e.message, ...(e.path ? { path: e.path } : {}) };
  if (e.validation) {
    // ajv stops at the first error (allErrors: false): its instancePath is the field at fault.
    const at = e.validationContext === "body" ? e.validation[0]?.instancePath : undefined;
    return { status: 400, code: "invalid_request", message: e.message, ...(at ? { path: at } : {}) };
  }
  switch (e.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, code: "invalid_json", message: `request body is not valid JSON: ${e.message}` };
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { status: 413, code: "request_too_large", message: e.message };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return {
        status: 415,
        code: "unsupported_media_type",
        message: `${e.message}; send Content-Type: application/json`,
      };
  }
  // SyntaxError from the JSON parser arrives with statusCode 400 and no code on some paths.
  if (e instanceof SyntaxError)
    return { status: 400, code: "invalid_json", message: `request body is not valid JSON: ${e.message}` };
  const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
  return status === 500
    ? { status, code: "internal", message: "internal error; the server log has the details" }
    : { status, code: (e.code ?? "bad_request").toLowerCase(), message: e.message };
}

/**
 * `pages` answers unknown paths that are dashboard pages (the web app routes them itself); it returns
 * false for anything else, which gets the 404 envelope.
 */
export function installErrorHandlers(
  app: FastifyInstance,
  pages: (req: FastifyRequest, reply: FastifyReply) => boolean = () => false,
): void {
  app.setErrorHandler((e: FastifyError, req, reply) => {
    const { status, code, message, path } = classify(e);
    if (status >= 500) req.log.error({ err: e }, "request failed");
    void reply.status(status).send(envelope(status, code, message, path));
  });
  app.setNotFoundHandler((req, reply) => {
    if (pages(req, reply)) return;
    void reply
      .status(404)
      .send(envelope(404, "not_found", `no route ${req.method} ${req.url.split("?")[0]}`));
  });
}

/** An expected failure of a domain operation (not found, conflict, invalid) as the HTTP error it is. */
export function unwrapProblem<T>(r: Result<T, Problem>): T {
  if (r.ok) return r.value;
  const status = { not_found: 404, conflict: 409, invalid: 400, forbidden: 403 }[r.error.code];
  throw new HttpError(
    status,
    r.error.reason ?? (r.error.code === "invalid" ? "invalid_request" : r.error.code),
    r.error.message,
    r.error.path,
  );
}
