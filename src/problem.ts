// The one shape of an expected failure of a domain operation (STYLE: expected failures are values): what
// was asked for is invalid, does not exist, or conflicts with what exists. The server answers it with the
// error envelope (src/server/errors.ts, unwrapProblem: 400, 404, 409); the CLI prints its message.
import { err } from "./result.js";

export interface Problem {
  code: "invalid" | "not_found" | "conflict";
  message: string;
  /** For an invalid input: the JSON pointer of the field at fault, as in the error envelope. */
  path?: string;
}

export const invalid = (message: string, path?: string) =>
  err<Problem>(path === undefined ? { code: "invalid", message } : { code: "invalid", message, path });
export const notFound = (message: string) => err<Problem>({ code: "not_found", message });
export const conflict = (message: string) => err<Problem>({ code: "conflict", message });
