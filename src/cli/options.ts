// Options every command takes, and how they become the typed configuration.
import { type Config, type ConfigOverrides, loadConfig } from "../config.js";
import { CliError } from "./output.js";

export interface GlobalOptions {
  json?: boolean;
  db?: string;
  config?: string;
}

export function configFrom(g: GlobalOptions, overrides: ConfigOverrides = {}): Config {
  const env = g.config ? { ...process.env, ITINERA_CONFIG: g.config } : process.env;
  const loaded = loadConfig({ ...(g.db ? { databasePath: g.db } : {}), ...overrides }, env);
  if (!loaded.ok) throw new CliError(loaded.error, 2);
  return loaded.value;
}

/** Parses a positive integer flag or explains the problem. */
export function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${name} must be a positive whole number (got "${raw}")`, 2);
  return n;
}
