// Local accounts for people (the dashboard's sign-in) and their sessions. Passwords are stored as scrypt
// hashes (slow on purpose: people choose guessable ones); session tokens are random and stored as SHA-256
// hashes, like API tokens, since they are long random secrets.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { type Actor, auditedChange, insertAudit, recordAudit } from "../audit/log.js";
import type { Clock } from "../clock.js";
import type { Problem } from "../problem.js";
import { err, ok, type Result } from "../result.js";
import { all, type Store } from "../store/database.js";
import { hashSecret } from "./credentials.js";
import { passwordProblem } from "./password-policy.js";
import type { Role } from "./roles.js";

const scryptAsync = promisify(scrypt) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: object,
) => Promise<Buffer>;
const SCRYPT = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export { MAX_PASSWORD, MIN_PASSWORD } from "./password-policy.js";

export { type Role, Roles } from "./roles.js";

export interface Account {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await scryptAsync(password, Buffer.from(salt, "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password people can type: 20 characters from an alphabet without look-alikes. */
export function newPassword(): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return [...randomBytes(20)].map((b) => alphabet[b % alphabet.length]).join("");
}

const normalEmail = (email: string) => email.trim().toLowerCase();
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function toAccount(r: Record<string, unknown>): Account {
  return {
    id: String(r.id),
    email: String(r.email),
    name: String(r.name),
    role: String(r.role) as Role,
    createdAt: new Date(Number(r.created)).toISOString(),
    disabledAt:
      r.disabled === null || r.disabled === undefined ? null : new Date(Number(r.disabled)).toISOString(),
  };
}

const SELECT = `SELECT id, email, name, role, epoch_ms(created_at) AS created, epoch_ms(disabled_at) AS disabled FROM accounts`;

/** Creates an account; without a password one is made up and returned (once). */
export async function createAccount(
  store: Store,
  input: { email: string; name: string; role: Role; password?: string | undefined },
  actor: Actor,
): Promise<Result<{ account: Account; password: string }, Problem>> {
  const email = normalEmail(input.email);
  if (!EMAIL.test(email))
    return err({ code: "invalid", message: `"${input.email}" is not an email address` });
  // A made-up password is long and random; a chosen one must pass the policy.
  const problem = input.password === undefined ? undefined : await passwordProblem(input.password, email);
  if (problem) return err({ code: "invalid", message: problem });
  const password = input.password ?? newPassword();
  const hash = await hashPassword(password);
  const id = `acc_${randomBytes(6).toString("hex")}`;
  return auditedChange<Result<{ account: Account; password: string }, Problem>>(store, async (conn) => {
    const taken = await all(conn, "SELECT 1 FROM accounts WHERE email = $1", [email]);
    if (taken.length)
      return {
        value: err<Problem>({ code: "conflict", message: `an account for ${email} exists` }),
        entry: null,
      };
    await conn.run("INSERT INTO accounts VALUES ($1, $2, $3, $4, $5, now(), NULL)", [
      id,
      email,
      input.name,
      input.role,
      hash,
    ]);
    const [row] = await all(conn, `${SELECT} WHERE id = $1`, [id]);
    const account = toAccount(row!);
    // The password never: only whether it was made up here.
    const after = { id, email, name: account.name, role: account.role };
    const detail = { passwordGenerated: input.password === undefined };
    return {
      value: ok({ account, password }),
      entry: { actor, action: "account.create", target: id, before: null, after, detail },
    };
  });
}

export async function listAccounts(store: Store): Promise<Account[]> {
  const rows = await store.read((conn) => all(conn, `${SELECT} ORDER BY created_at, id`));
  return rows.map(toAccount);
}

export async function findAccount(store: Store, id: string): Promise<Account | undefined> {
  const [row] = await store.read((conn) => all(conn, `${SELECT} WHERE id = $1`, [id]));
  return row ? toAccount(row) : undefined;
}

/** Renames an account or changes its role (sessions read the role on every request: it applies at once). */
export async function updateAccount(
  store: Store,
  id: string,
  change: { name?: string | undefined; role?: Role | undefined },
  actor: Actor,
): Promise<Result<Account, Problem>> {
  return auditedChange<Result<Account, Problem>>(store, async (conn) => {
    const [old] = await all(conn, `${SELECT} WHERE id = $1`, [id]);
    if (!old) return { value: err<Problem>({ code: "not_found", message: `no account ${id}` }), entry: null };
    await conn.run("UPDATE accounts SET name = coalesce($2, name), role = coalesce($3, role) WHERE id = $1", [
      id,
      change.name ?? null,
      change.role ?? null,
    ]);
    const [row] = await all(conn, `${SELECT} WHERE id = $1`, [id]);
    const [was, is] = [toAccount(old), toAccount(row!)];
    return {
      value: ok(is),
      entry: {
        actor,
        action: "account.update",
        target: id,
        before: { name: was.name, role: was.role },
        after: { name: is.name, role: is.role },
        // The account's sign-in name (staff, not customers), so a reader knows who it was.
        detail: { email: is.email },
      },
    };
  });
}

/** Disables an account and ends its sessions. */
export async function disableAccount(
  store: Store,
  id: string,
  actor: Actor,
): Promise<Result<Account, Problem>> {
  return auditedChange<Result<Account, Problem>>(store, async (conn) => {
    const rows = await all(
      conn,
      "UPDATE accounts SET disabled_at = now() WHERE id = $1 AND disabled_at IS NULL RETURNING id",
      [id],
    );
    if (!rows.length)
      return {
        value: err<Problem>({ code: "not_found", message: `no active account ${id}` }),
        entry: null,
      };
    await conn.run("DELETE FROM sessions WHERE account_id = $1", [id]);
    const [row] = await all(conn, `${SELECT} WHERE id = $1`, [id]);
    const account = toAccount(row!);
    return {
      value: ok(account),
      entry: {
        actor,
        action: "account.disable",
        target: id,
        before: { disabledAt: null },
        after: { disabledAt: account.disabledAt },
        detail: { email: account.email },
      },
    };
  });
}

/** Sets a new password (made up when not given) and ends the account's sessions. */
export async function resetPassword(
  store: Store,
  id: string,
  password: string | undefined,
  actor: Actor,
): Promise<Result<{ account: Account; password: string }, Problem>> {
  if (password !== undefined) {
    const [row] = await store.read((conn) => all(conn, "SELECT email FROM accounts WHERE id = $1", [id]));
    if (!row) return err({ code: "not_found", message: `no account ${id}` });
    const problem = await passwordProblem(password, String(row.email));
    if (problem) return err({ code: "invalid", message: problem });
  }
  const next = password ?? newPassword();
  const hash = await hashPassword(next);
  return auditedChange<Result<{ account: Account; password: string }, Problem>>(store, async (conn) => {
    const rows = await all(conn, "UPDATE accounts SET password_hash = $2 WHERE id = $1 RETURNING id", [
      id,
      hash,
    ]);
    if (!rows.length)
      return {
        value: err<Problem>({ code: "not_found", message: `no account ${id}` }),
        entry: null,
      };
    await conn.run("DELETE FROM sessions WHERE account_id = $1", [id]);
    const account = toAccount((await all(conn, `${SELECT} WHERE id = $1`, [id]))[0]!);
    // Neither password nor hash: only that it changed, and whether it was made up here.
    const detail = { email: account.email, passwordGenerated: password === undefined };
    return {
      value: ok({ account, password: next }),
      entry: { actor, action: "account.password_reset", target: id, detail },
    };
  });
}

export interface Session {
  token: string;
  expiresAt: string;
  account: Account;
}

/**
 * Signs in: a new session for the account, or undefined for a wrong email, wrong password or disabled
 * account alike (the answer does not tell which).
 */
export async function signIn(
  store: Store,
  email: string,
  password: string,
  hours: number,
  clock: Clock,
): Promise<Session | undefined> {
  const [row] = await store.read((conn) =>
    all(
      conn,
      `SELECT *, epoch_ms(created_at) AS created, epoch_ms(disabled_at) AS disabled FROM accounts WHERE email = $1`,
      [normalEmail(email)],
    ),
  );
  // Hash anyway when there is no such account, so the time taken does not say whether it exists.
  const stored = row ? String(row.password_hash) : await hashPassword("no such account");
  const good = await verifyPassword(password, stored);
  if (!row) return undefined; // what was typed is not recorded: it may be a password in the wrong field
  const who = { kind: "account" as const, id: String(row.id), name: String(row.email) };
  if (!good || row.disabled_at !== null) {
    // Failed attempts on a real account are worth an admin's eye (guessing, a stolen password tried).
    await recordAudit(store, {
      actor: { kind: "system", id: null, name: "sign-in" },
      action: "session.sign_in_failed",
      target: who.id,
      detail: { email: who.name, reason: good ? "account_disabled" : "wrong_password" },
    });
    return undefined;
  }
  const token = `its_${randomBytes(32).toString("base64url")}`;
  const created = clock.now();
  const expires = new Date(created + hours * 3_600_000);
  await store.exclusive(async (conn) => {
    await conn.run("INSERT INTO sessions VALUES ($1, $2, $3::TIMESTAMP, $4::TIMESTAMP)", [
      hashSecret(token),
      who.id,
      new Date(created).toISOString(),
      expires.toISOString(),
    ]);
    await insertAudit(conn, { actor: who, action: "session.sign_in", target: who.id });
  });
  return { token, expiresAt: expires.toISOString(), account: toAccount(row) };
}

export async function signOut(store: Store, token: string): Promise<void> {
  await store.exclusive((conn) => conn.run("DELETE FROM sessions WHERE id = $1", [hashSecret(token)]));
}

/** The account behind a live session token, or undefined. */
export async function sessionAccount(
  store: Store,
  token: string,
  clock: Clock,
): Promise<Account | undefined> {
  const [row] = await store.read((conn) =>
    all(
      conn,
      `SELECT a.id, a.email, a.name, a.role, epoch_ms(a.created_at) AS created, epoch_ms(a.disabled_at) AS disabled
         FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE s.id = $1 AND s.expires_at > $2::TIMESTAMP AND a.disabled_at IS NULL`,
      [hashSecret(token), new Date(clock.now()).toISOString()],
    ),
  );
  return row ? toAccount(row) : undefined;
}

/**
 * Repeated failed sign-ins for one email are refused for a while: a slow hash alone still lets a script
 * try thousands of passwords a day.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limit = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}

  blocked(email: string): boolean {
    const recent = this.recent(normalEmail(email));
    return recent.length >= this.limit;
  }

  failed(email: string): void {
    const key = normalEmail(email);
    this.failures.set(key, [...this.recent(key), this.clock.now()]);
  }

  succeeded(email: string): void {
    this.failures.delete(normalEmail(email));
  }

  private recent(key: string): number[] {
    const since = this.clock.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }
}
