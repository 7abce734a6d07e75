// Write keys (collection) and API tokens (everything else). Only SHA-256 hashes are stored: the
// secrets are 190-bit random strings, so a slow password hash would add latency and no safety.
import { createHash, randomBytes } from "node:crypto";
import { all, runQuery, type Store } from "../store/database.js";

export type CredentialKind = "write_key" | "api_token";

const tables = { write_key: "write_keys", api_token: "api_tokens" } as const;
const hashColumns = { write_key: "key_hash", api_token: "token_hash" } as const;
const prefixes = { write_key: "wk_", api_token: "itk_" } as const;

export interface Credential {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

export function newSecret(kind: CredentialKind): string {
  return prefixes[kind] + randomBytes(24).toString("base64url");
}

/** Creates a credential; the secret is returned once and never stored. */
export async function createCredential(
  store: Store,
  kind: CredentialKind,
  name: string,
): Promise<Credential & { secret: string }> {
  const secret = newSecret(kind);
  const id = `${kind === "write_key" ? "key" : "tok"}_${randomBytes(6).toString("hex")}`;
  const createdAt = new Date();
  await runQuery(store, {
    duckdb: () =>
      store.exclusive((c) =>
        c.run(
          `INSERT INTO ${tables[kind]} (id, name, ${hashColumns[kind]}, created_at) VALUES ($1, $2, $3, $4::TIMESTAMP)`,
          [id, name, hashSecret(secret), createdAt.toISOString()],
        ),
      ),
  });
  return { id, name, createdAt: createdAt.toISOString(), revokedAt: null, secret };
}

export async function listCredentials(store: Store, kind: CredentialKind): Promise<Credential[]> {
  const rows = await runQuery(store, {
    duckdb: () =>
      store.read((c) =>
        all(
          c,
          `SELECT id, name, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at,
                  strftime(revoked_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS revoked_at
             FROM ${tables[kind]} ORDER BY created_at`,
        ),
      ),
  });
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    createdAt: String(r.created_at),
    revokedAt: r.revoked_at === null ? null : String(r.revoked_at),
  }));
}

/** Revokes by id; false when no live credential has that id. */
export async function revokeCredential(store: Store, kind: CredentialKind, id: string): Promise<boolean> {
  const rows = await runQuery(store, {
    duckdb: () =>
      store.exclusive((c) =>
        all(
          c,
          `UPDATE ${tables[kind]} SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
          [id],
        ),
      ),
  });
  return rows.length > 0;
}

/**
 * Verifies secrets against live credentials. Hashes are cached for a few seconds so a busy
 * collector does not query per request, while a revocation takes effect quickly.
 */
export class CredentialVerifier {
  private cache = new Map<string, string>(); // hash → credential name
  private loadedAt = 0;
  private readonly extra = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly kind: CredentialKind,
    private readonly ttlMs = 5000,
  ) {}

  /** Accepts a secret that is not stored (a development write key given on the command line). */
  allow(secret: string, name: string): void {
    this.extra.set(hashSecret(secret), name);
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  /** The credential's name, or undefined when the secret is unknown or revoked. */
  async verify(secret: string | undefined): Promise<string | undefined> {
    if (!secret) return undefined;
    if (Date.now() - this.loadedAt > this.ttlMs) {
      const rows = await this.store.read((c) =>
        all(
          c,
          `SELECT name, ${hashColumns[this.kind]} AS h FROM ${tables[this.kind]} WHERE revoked_at IS NULL`,
        ),
      );
      this.cache = new Map(rows.map((r) => [String(r.h), String(r.name)]));
      this.loadedAt = Date.now();
    }
    // Looking up the hash, not the secret, leaks nothing useful through timing.
    const h = hashSecret(secret);
    return this.extra.get(h) ?? this.cache.get(h);
  }
}
