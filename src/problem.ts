// The one shape of an expected failure of a domain operation (STYLE: expected failures are values): what
// was asked for is invalid, does not exist, conflicts with what exists, or is beyond the caller's rights. The
// server answers it with the error envelope (src/server/errors.ts, unwrapProblem: 400, 404, 409, 403); the
// CLI prints its message.
import { err } from "./result.js";

export interface Problem {
  code: "invalid" | "not_found" | "conflict" | "forbidden";
  message: string;
  /** For an invalid input: the JSON pointer of the field at fault, as in the error envelope. */
  path?: string;
  /** A finer code for the error envelope than the kind's own (e.g. customer_not_found), kept for clients. */
  reason?: string;
}

export const invalid = (message: string, path?: string, reason?: string) =>
  err<Problem>({
    code: "invalid",
    message,
    ...(path === undefined ? {} : { path }),
    ...(reason === undefined ? {} : { reason }),
  });
export const notFound = (message: string, reason?: string) =>
  err<Problem>(
    reason === undefined ? { code: "not_found", message } : { code: "not_found", message, reason },
  );
export const conflict = (message: string) => err<Problem>({ code: "conflict", message });
export const forbidden = (message: string, reason: string) =>
  err<Problem>({ code: "forbidden", message, reason });
