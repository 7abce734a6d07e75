// Who is signed in. The session is an HttpOnly cookie set by POST /api/auth/login, so the dashboard
// never holds the token; it asks /api/auth/me and sends people to sign-in when the API answers 401.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { api, setUnauthorizedHandler } from "../api/client.js";
import { ErrorState, Loading } from "../components/states.js";

export interface Account {
  id: string;
  email: string;
  name: string;
  role: "admin" | "member";
}

interface Session {
  account: Account | null;
}

interface AuthState {
  account: Account | null;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);
const ME = ["auth", "session"] as const;

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const me = useQuery({
    queryKey: ME,
    queryFn: ({ signal }) => api<Session>("/api/auth/session", { signal }),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

  useEffect(() => {
    setUnauthorizedHandler(() => {
      client.setQueryData(ME, { account: null });
      if (!location.pathname.startsWith("/sign-in"))
        navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
    });
  }, [client, navigate, location]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const r = await api<{ account: Account }>("/api/auth/login", {
        method: "POST",
        body: { email, password },
      });
      client.setQueryData(ME, { account: r.account });
    },
    [client],
  );
  const signOut = useCallback(async () => {
    // Requests still running would come back 401 once the session ends: stop them first.
    await client.cancelQueries();
    await api("/api/auth/logout", { method: "POST", body: {} }).catch(() => undefined);
    client.clear();
    client.setQueryData(ME, { account: null });
    navigate("/sign-in");
  }, [client, navigate]);

  const value = useMemo(
    () => ({ account: me.data?.account ?? null, signIn, signOut }),
    [me.data, signIn, signOut],
  );
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error("useAuth outside AuthProvider");
  return state;
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
