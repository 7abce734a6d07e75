// Structured logs (pino). Secrets never reach a log line: credentials are redacted by path.
import { type Logger, pino } from "pino";
import type { Config } from "./config.js";

export const redactPaths = [
  "req.headers.authorization",
  "headers.authorization",
  "writeKey",
  "token",
  "password",
];

export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({ level: config.logLevel, redact: { paths: redactPaths, censor: "[redacted]" } });
}
