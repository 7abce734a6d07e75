// Structured logs (pino). Secrets never reach a log line: credentials are redacted by path.
import { type DestinationStream, type Logger, pino } from "pino";
import type { Config } from "./config.js";

export const redactPaths = [
  "req.headers.authorization",
  "headers.authorization",
  "writeKey",
  "token",
  "password",
  // node's parse errors carry the request's raw bytes (cookies, query strings, bodies).
  "err.rawPacket",
];

export type { DestinationStream };

/** Logs to stdout, or to `destination` (a test's capture). */
export function createLogger(config: Pick<Config, "logLevel">, destination?: DestinationStream): Logger {
  const options = { level: config.logLevel, redact: { paths: redactPaths, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}
