// Every view keeps its state in the URL's query string, so a link reproduces what its sender saw.
import { useCallback, useMemo, useRef } from "react";
import { useSearchParams } from "react-router";

export type UrlValues<K extends string> = Record<K, string>;

/**
 * The view's parameters from the URL, with defaults for the missing ones; `set` merges a change into
 * the URL (defaults are left out, so links stay short). History entries are replaced unless `push`.
 */
export function useUrlState<K extends string>(
  defaults: UrlValues<K>,
): [UrlValues<K>, (change: Partial<UrlValues<K>>, options?: { push?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  // The defaults are usually a literal in the view: keep the latest without making them a dependency.
  const defaultsRef = useRef(defaults);
  defaultsRef.current = defaults;
  const state = useMemo(() => {
    const out = { ...defaultsRef.current };
    for (const k of Object.keys(out) as K[]) {
      const v = params.get(k);
      if (v !== null) out[k] = v;
    }
    return out;
  }, [params]);
  const set = useCallback(
    (change: Partial<UrlValues<K>>, options?: { push?: boolean }) => {
      setParams(
        () => {
          // Not the `prev` react-router passes: it is the URL of the last render, and a navigation is
          // drawn in a transition, so a second change made before it lands would undo the first.
          const next = new URLSearchParams(window.location.search);
          for (const [k, v] of Object.entries(change) as Array<[K, string | undefined]>) {
            if (v === undefined || v === "" || v === defaultsRef.current[k]) next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: !options?.push },
      );
    },
    [setParams],
  );
  return [state, set];
}

/** A JSON value kept in one URL parameter (e.g. a funnel's steps); the fallback when absent or broken. */
export function decodeJson<T>(text: string, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
