// The one way the dashboard talks to the API: same-origin fetch with the session cookie, JSON in and
// out, and the server's error envelope turned into an ApiError the views can show.

/** The server's error envelope: `{ error: { code, message, status } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** For an invalid request body: the JSON pointer of the field at fault. */
    readonly path?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export type QueryValue = string | number | boolean | undefined | null;

/** A query string from the defined values, in a stable order (so cache keys and links agree). */
export function queryString(params: Record<string, QueryValue> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Called when the API answers 401: the session ended, so the shell sends the user to sign-in. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = "GET", query, body, signal } = options;
  let res: Response;
  try {
    res = await fetch(`${path}${queryString(query)}`, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { accept: "application/json" } : { "content-type": "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "network", "The server cannot be reached. Is `itinera serve` running?");
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const envelope = (parsed as { error?: { code?: string; message?: string; path?: string } } | undefined)
      ?.error;
    if (res.status === 401 && path !== "/api/auth/login") onUnauthorized();
    throw new ApiError(
      res.status,
      envelope?.code ?? "http_error",
      envelope?.message ?? `HTTP ${res.status}`,
      envelope?.path,
    );
  }
  return parsed as T;
}

/** The text of an export (CSV), for downloads. */
export async function download(path: string, query: Record<string, QueryValue>, filename: string) {
  const res = await fetch(`${path}${queryString(query)}`, { credentials: "same-origin" });
  if (!res.ok) throw new ApiError(res.status, "http_error", `HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}
