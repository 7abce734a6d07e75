// The one contract of an API operation: its method and path, who may call it, the schemas of its request
// and answer, and `run` on an app context. Fastify registers every entry of OPERATIONS
// (src/server/operations.ts) as a route, and a CLI command performs the same entry through the running
// server or on the database file (src/cli/target.ts, perform): one operation, two faces, one logic.
import type { Static, TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { Ajv, ValidateFunction } from "ajv";
import type { Actor } from "../audit/log.js";
import type { Permission, Role } from "../auth/roles.js";
import { invalid, type Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import type { AppContext } from "./context.js";
import type { Access } from "./permissions.js";
import { requestValidators } from "./validators.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who asks: the audit trail's actor, and what the caller's role allows (masking, granting roles). */
export interface Caller {
  actor: Actor;
  /** The account of a person signed in to the dashboard; none for a token or a command on the file. */
  account?: string;
  may(permission: Permission): boolean;
  /** Refuses (and audits the attempt) to hand out a role with rights the caller does not have itself. */
  mayGrant(role: Role): Promise<Result<void, Problem>>;
}

/** A request as `run` receives it: path parameters, query and body, each checked against its schema. */
export interface OperationRequest<P = unknown, Q = unknown, B = unknown> {
  params: P;
  query: Q;
  body: B;
}

export interface Operation<Req extends OperationRequest = OperationRequest, Res = unknown> {
  /** Stable name, e.g. `journey.map`; the OpenAPI document's operationId. */
  id: string;
  method: Method;
  /** Fastify's form: `/api/frictions/:id/customers`. */
  path: string;
  /** "public", "collect" or the permission it needs (src/server/permissions.ts enforces it). */
  access: Access;
  /** The answer holds customers' personal data, masked for roles without pii.read (permissions.ts). */
  personal?: "bulk" | "one";
  /** May outlast the connection timeout (src/server/web-safety.ts). */
  longRunning?: boolean;
  summary: string;
  description?: string;
  tags: string[];
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  response: TSchema;
  /** The success status; 200 unless it creates something. */
  status?: 200 | 201;
  /**
   * An analysis: on the server it stops when its client leaves or it runs past analysisTimeoutMs
   * (src/server/routes/analysis-limit.ts). A CLI command on the file waits for it.
   */
  analysis?: boolean;
  /**
   * It changes what the journey tables derive from (touchpoints, personas): the server starts a refresh
   * in the background after it. A one-shot command leaves that to the next read, which refreshes first.
   */
  changesJourney?: boolean;
  run(ctx: AppContext, req: Req, caller: Caller): Promise<Result<Res, Problem>>;
}

// biome-ignore lint/suspicious/noExplicitAny: a table of operations of different request and answer types
export type AnyOperation = Operation<any, any>;

type PartOf<S> = S extends TSchema ? Static<S> : undefined;

/** Declares an operation; the types of `run`'s request and answer follow from the schemas. */
export function operation<
  P extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
  B extends TSchema | undefined = undefined,
  R extends TSchema = TSchema,
>(
  spec: Omit<Operation, "params" | "query" | "body" | "response" | "run"> & {
    params?: P;
    query?: Q;
    body?: B;
    response: R;
    run(
      ctx: AppContext,
      req: OperationRequest<PartOf<P>, PartOf<Q>, PartOf<B>>,
      caller: Caller,
    ): Promise<Result<Static<R>, Problem>>;
  },
): Operation<OperationRequest<PartOf<P>, PartOf<Q>, PartOf<B>>, Static<R>> {
  return spec as Operation<OperationRequest<PartOf<P>, PartOf<Q>, PartOf<B>>, Static<R>>;
}

export type RequestOf<O> = O extends Operation<infer Req, unknown> ? Req : never;
export type AnswerOf<O> = O extends Operation<OperationRequest, infer Res> ? Res : never;

/** What a caller passes: the parts the operation has (those it has not may be left out). */
export type RequestInput<Req extends OperationRequest> = {
  [K in keyof Req as undefined extends Req[K] ? never : K]: Req[K];
} & { [K in keyof Req as undefined extends Req[K] ? K : never]?: Req[K] };

/** The operation's path with its parameters filled in, URL-encoded. */
export function pathOf(op: Pick<Operation, "path">, params: unknown): string {
  const values = (params ?? {}) as Record<string, unknown>;
  return op.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(values[name] ?? "")));
}

let validators: { coercing: Ajv; strict: Ajv } | undefined;
const compiled = new WeakMap<TSchema, ValidateFunction>();

function validatorOf(schema: TSchema, coerce: boolean): ValidateFunction {
  validators ??= requestValidators();
  let v = compiled.get(schema);
  if (!v) {
    v = (coerce ? validators.coercing : validators.strict).compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/**
 * Checks a request as the server does (same validators, defaults filled in, the same message), for a
 * caller that runs the operation itself: a CLI command on the database file.
 */
export function checkRequest<Req extends OperationRequest>(
  op: Operation<Req, unknown>,
  req: RequestInput<Req>,
): Result<Req, Problem> {
  const given = req as Partial<OperationRequest>;
  const parts = [
    ["params", "params", op.params, given.params],
    ["querystring", "query", op.query, given.query],
    ["body", "body", op.body, given.body],
  ] as const;
  const out: Partial<OperationRequest> = {};
  for (const [name, key, schema, value] of parts) {
    if (!schema) continue;
    // The validators fill in defaults and coerce in place: the caller's object stays as it was.
    const copy = value === undefined ? (name === "body" ? undefined : {}) : structuredClone(value);
    const validate = validatorOf(schema, name !== "body");
    if (!validate(copy)) {
      const e = validate.errors?.[0];
      return invalid(`${name}${e?.instancePath ?? ""} ${e?.message ?? "is invalid"}`, e?.instancePath);
    }
    out[key] = copy;
  }
  return ok(out as Req);
}

/**
 * The answer as the server sends it: JSON, holding only what the response schema declares. A command
 * that runs the operation itself prints this, so its `--json` equals the API's.
 */
export function asSent<Res>(op: Operation<OperationRequest, Res>, value: Res): Res {
  return Value.Clean(op.response, JSON.parse(JSON.stringify(value))) as Res;
}
