// Write keys (collection) and API tokens (everything else). Only SHA-256 hashes are stored: the
// secrets are 190-bit random strings, so a slow password hash would add latency and no safety.
import { createHash, randomBytes } from "node:crypto";
import { type Actor, auditedChange } from "../audit/log.js";
import { all, runQuery, type Store } from "../store/database.js";
import type { Role } from "./roles.js";

export type CredentialKind = "write_key" | "api_token";

const tables = { write_key: "write_keys", api_token: "api_tokens" } as const;
const hashColumns = { write_key: "key_hash", api_token: "token_hash" } as const;
const prefixes = { write_key: "wk_", api_token: "itk_" } as const;

export interface Credential {
  id: string;
  name: string;
  /** What an API token may do (write keys only collect: null). */
  role: Role | null;
  createdAt: string;
  revokedAt: string | null;
}

export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

export function newSecret(kind: CredentialKind): string {
  return prefixes[kind] + randomBytes(24).toString("base64url");
}

/** The audit trail's noun for each kind. */
const nouns = { write_key: "write_key", api_token: "token" } as const;

/** Creates a credential; the secret is returned once and never stored (nor audited: its role is). */
export async function createCredential(
  store: Store,
  kind: CredentialKind,
  name: string,
  role: Role,
  actor: Actor,
): Promise<Credential & { secret: string }> {
  const secret = newSecret(kind);
  const id = `${kind === "write_key" ? "key" : "tok"}_${randomBytes(6).toString("hex")}`;
  const createdAt = new Date();
  const credential: Credential = {
    id,
    name,
    role: kind === "api_token" ? role : null,
    createdAt: createdAt.toISOString(),
    revokedAt: null,
  };
  await runQuery(store, {
    duckdb: () =>
      auditedChange(store, async (c) => {
        if (kind === "api_token")
          await c.run(
            "INSERT INTO api_tokens (id, name, token_hash, created_at, role) VALUES ($1, $2, $3, $4::TIMESTAMP, $5)",
            [id, name, hashSecret(secret), createdAt.toISOString(), role],
          );
        else
          await c.run(
            "INSERT INTO write_keys (id, name, key_hash, created_at) VALUES ($1, $2, $3, $4::TIMESTAMP)",
            [id, name, hashSecret(secret), createdAt.toISOString()],
          );
        const after = { id, name, role: credential.role };
        return { value: undefined, entry: { actor, action: `${nouns[kind]}.create`, target: id, after } };
      }),
  });
  return { ...credential, secret };
}

const roleColumn = { write_key: "NULL", api_token: "role" } as const;

export async function listCredentials(store: Store, kind: CredentialKind): Promise<Credential[]> {
  const rows = await runQuery(store, {
    duckdb: () =>
      store.read((c) =>
        all(
          c,
          `SELECT id, name, ${roleColumn[kind]} AS role, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at,
                  strftime(revoked_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS revoked_at
             FROM ${tables[kind]} ORDER BY created_at`,
        ),
      ),
  });
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    role: r.role === null ? null : (String(r.role) as Role),
    createdAt: String(r.created_at),
    revokedAt: r.revoked_at === null ? null : String(r.revoked_at),
  }));
}

/** Revokes by id; false when no live credential has that id. */
export async function revokeCredential(
  store: Store,
  kind: CredentialKind,
  id: string,
  actor: Actor,
): Promise<boolean> {
  return runQuery(store, {
    duckdb: () =>
      auditedChange(store, async (c) => {
        const rows = await all(
          c,
          `UPDATE ${tables[kind]} SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL
           RETURNING name, ${roleColumn[kind]} AS role, strftime(revoked_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS revoked_at`,
          [id],
        );
        const [row] = rows;
        if (!row) return { value: false, entry: null };
        const what = { id, name: String(row.name), role: row.role === null ? null : String(row.role) };
        return {
          value: true,
          entry: {
            actor,
            action: `${nouns[kind]}.revoke`,
            target: id,
            before: { ...what, revokedAt: null },
            after: { ...what, revokedAt: String(row.revoked_at) },
          },
        };
      }),
  });
}

/** A live credential as the verifier knows it. */
export interface VerifiedCredential {
  id: string;
  name: string;
  role: Role | null;
}

/**
 * Verifies secrets against live credentials. Hashes are cached for a few seconds so a busy
 * collector does not query per request, while a revocation takes effect quickly. An expired cache is
 * refreshed in the background and used meanwhile: a request must not wait for a free reader (long
 * analyses may hold them all) just because the cache is a few seconds old. A change made through this
 * process (invalidate) is read before the next answer.
 */
export class CredentialVerifier {
  private cache = new Map<string, VerifiedCredential>(); // hash → credential
  private loadedAt = 0;
  private refreshing: Promise<void> | null = null;
  /** Bumped by invalidate, so a reload that started before a change cannot mark the cache fresh. */
  private generation = 0;
  private readonly extra = new Map<string, VerifiedCredential>();

  constructor(
    private readonly store: Store,
    private readonly kind: CredentialKind,
    private readonly ttlMs = 5000,
  ) {}

  /** Accepts a secret that is not stored (a development write key given on the command line). */
  allow(secret: string, name: string, role: Role | null = this.kind === "api_token" ? "admin" : null): void {
    this.extra.set(hashSecret(secret), {
      id: `${this.kind === "write_key" ? "key" : "tok"}_${name}`,
      name,
      role,
    });
  }

  invalidate(): void {
    this.loadedAt = 0;
    this.generation++;
  }

  private reload(): Promise<void> {
    this.refreshing ??= (async () => {
      const generation = this.generation;
      try {
        const rows = await this.store.read((c) =>
          all(
            c,
            `SELECT id, name, ${roleColumn[this.kind]} AS role, ${hashColumns[this.kind]} AS h
               FROM ${tables[this.kind]} WHERE revoked_at IS NULL`,
          ),
        );
        this.cache = new Map(
          rows.map((r) => [
            String(r.h),
            {
              id: String(r.id),
              name: String(r.name),
              role: r.role === null ? null : (String(r.role) as Role),
            },
          ]),
        );
        // Rows read before a change made meanwhile do not count as fresh: the next answer reads again.
        if (generation === this.generation) this.loadedAt = Date.now();
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** The live credential, or undefined when the secret is unknown or revoked. */
  async verify(secret: string | undefined): Promise<VerifiedCredential | undefined> {
    if (!secret) return undefined;
    // Looking up the hash, not the secret, leaks nothing useful through timing.
    const h = hashSecret(secret);
    const extra = this.extra.get(h);
    if (extra) return extra;
    // Twice at most: a reload already running may have started before an invalidate.
    if (this.loadedAt === 0) for (let i = 0; i < 2 && this.loadedAt === 0; i++) await this.reload();
    else if (Date.now() - this.loadedAt > this.ttlMs) void this.reload().catch(() => undefined);
    return this.cache.get(h);
  }
}
