// Who is signed in and what their role lets them do. The session is an HttpOnly cookie set by POST
// /api/auth/login, so the dashboard never holds the token; it asks /api/auth/session and sends people to
// sign-in when the API answers 401. The permissions come from the server (src/auth/roles.ts): the
// dashboard never decides rights itself, it only hides what the server would refuse.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import type { Account } from "../../../src/auth/accounts.js";
import type { Permission, Role } from "../../../src/auth/roles.js";
import { ApiError, api, setUnauthorizedHandler } from "../api/client.js";
import { ErrorState, Loading } from "../components/states.js";

export type { Account, Permission, Role };

/** GET /api/auth/session's answer (src/server/routes/accounts.ts). */
interface Session {
  account: Account | null;
  permissions: Permission[];
}

interface AuthState {
  account: Account | null;
  permissions: ReadonlySet<Permission>;
  /** Whether the signed-in account's role grants this permission. */
  can(permission: Permission): boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SIGNED_OUT: Session = { account: null, permissions: [] };

const AuthContext = createContext<AuthState | null>(null);
const ME = ["auth", "session"] as const;

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const me = useQuery({
    queryKey: ME,
    queryFn: ({ signal }) => api<Session>("/api/auth/session", { signal }),
    // An admin may change this account's role meanwhile: look again now and then, and on coming back.
    staleTime: 5 * 60_000,
    refetchOnWindowFocus: true,
    retry: false,
  });

  useEffect(() => {
    setUnauthorizedHandler(() => {
      client.setQueryData(ME, SIGNED_OUT);
      if (!location.pathname.startsWith("/sign-in"))
        navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
    });
  }, [client, navigate, location]);

  // A 403 means the role no longer matches what the dashboard believes (an admin changed it): ask the
  // session again, so the navigation and the views follow the new role at once.
  useEffect(() => {
    const refused = (error: unknown) =>
      error instanceof ApiError && error.status === 403 && error.code === "forbidden";
    const recheck = () => void client.invalidateQueries({ queryKey: ME });
    const queries = client.getQueryCache().subscribe((e) => {
      if (e.type === "updated" && e.action.type === "error" && refused(e.action.error)) recheck();
    });
    const mutations = client.getMutationCache().subscribe((e) => {
      if (e.type === "updated" && e.action.type === "error" && refused(e.action.error)) recheck();
    });
    return () => {
      queries();
      mutations();
    };
  }, [client]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      await api<{ account: Account }>("/api/auth/login", { method: "POST", body: { email, password } });
      // The login answer has no permissions; the session (now carried by the cookie) has both.
      client.setQueryData(ME, await api<Session>("/api/auth/session"));
    },
    [client],
  );
  const signOut = useCallback(async () => {
    // Requests still running would come back 401 once the session ends: stop them first.
    await client.cancelQueries();
    await api("/api/auth/logout", { method: "POST", body: {} }).catch(() => undefined);
    client.clear();
    client.setQueryData(ME, SIGNED_OUT);
    navigate("/sign-in");
  }, [client, navigate]);

  const value = useMemo(() => {
    const account = me.data?.account ?? null;
    const permissions = new Set<Permission>(account ? me.data?.permissions : []);
    return { account, permissions, can: (p: Permission) => permissions.has(p), signIn, signOut };
  }, [me.data, signIn, signOut]);
  if (me.isPending) return <Loading />;
  // A failed look-again keeps the session already known; only a first failure stops here.
  if (me.isError && !me.data) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error("useAuth outside AuthProvider");
  return state;
}

/** `can(permission)`: whether the signed-in role grants it (false when nobody is signed in). */
export function useCan(): (permission: Permission) => boolean {
  return useAuth().can;
}

/** Renders its children for a signed-in account, else sends the visitor to sign-in and back. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { account } = useAuth();
  const location = useLocation();
  if (!account)
    return (
      <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
    );
  return children;
}
