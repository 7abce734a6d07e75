// Routes: sign-in outside the shell, every view inside it, each view a lazy chunk of its own and opened
// only for a role that may use it (./access.ts).
import { type ComponentType, type LazyExoticComponent, lazy, type ReactElement } from "react";
import { createBrowserRouter, matchPath, Outlet, RouterProvider } from "react-router";
import type { ViewId } from "./access.js";
import { AuthProvider, RequireAuth } from "./auth.js";
import { Landing, RequireView } from "./NoAccess.js";
import { NotFound } from "./NotFound.js";
import { Shell } from "./Shell.js";

type Loader = () => Promise<{ default: ComponentType }>;

/** Each view's path and chunk, in the order they are matched. */
const VIEWS: Array<{ id: ViewId; path: string; load: Loader }> = [
  { id: "journey-map", path: "/journey-map", load: () => import("../views/journey-map/index.js") },
  { id: "funnels", path: "/funnels", load: () => import("../views/funnels/index.js") },
  { id: "paths", path: "/paths", load: () => import("../views/paths/index.js") },
  { id: "retention", path: "/retention", load: () => import("../views/retention/index.js") },
  { id: "stage-flow", path: "/stage-flow", load: () => import("../views/stage-flow/index.js") },
  {
    id: "time-to-convert",
    path: "/time-to-convert",
    load: () => import("../views/time-to-convert/index.js"),
  },
  { id: "frictions", path: "/frictions", load: () => import("../views/frictions/index.js") },
  { id: "customers", path: "/customers", load: () => import("../views/customers/index.js") },
  { id: "customer", path: "/customers/:id", load: () => import("../views/customers/Customer360.js") },
  { id: "saved", path: "/saved", load: () => import("../views/saved/index.js") },
  { id: "saved-view", path: "/saved/:id", load: () => import("../views/saved/Open.js") },
  { id: "boards", path: "/boards", load: () => import("../views/boards/index.js") },
  { id: "board", path: "/boards/:id", load: () => import("../views/boards/Board.js") },
  { id: "live", path: "/live", load: () => import("../views/live/index.js") },
  { id: "settings", path: "/settings/:tab?", load: () => import("../views/settings/index.js") },
];
const loadOverview: Loader = () => import("../views/overview/index.js");
const loadSignIn: Loader = () => import("../views/sign-in/index.js");

/**
 * A lazy view that can be loaded ahead of rendering. Once its chunk is in, it renders directly: a lazy
 * component that suspends on its first render costs React's reveal throttle (~300 ms) even when the
 * chunk is already there.
 */
interface Preloadable {
  loaded?: ComponentType;
  Lazy: LazyExoticComponent<ComponentType>;
  preload(): Promise<{ default: ComponentType }>;
  element: ReactElement;
}

function PreloadedView({ view }: { view: Preloadable }) {
  const Loaded = view.loaded;
  return Loaded ? <Loaded /> : <view.Lazy />;
}

function preloadable(load: Loader): Preloadable {
  const view = {
    preload: () =>
      load().then((m) => {
        view.loaded = m.default;
        return m;
      }),
  } as Preloadable;
  view.Lazy = lazy(view.preload);
  view.element = <PreloadedView view={view} />;
  return view;
}

const overview = preloadable(loadOverview);
const signIn = preloadable(loadSignIn);
const views = VIEWS.map((v) => ({ id: v.id, path: v.path, ...preloadable(v.load) }));

// The chunk of the page being opened starts loading now, alongside the sign-in check, instead of after
// it: on a first visit the view can ask for its data as soon as the sign-in is confirmed.
const opening = window.location.pathname;
const first =
  opening === "/"
    ? overview
    : opening.startsWith("/sign-in")
      ? signIn
      : views.find((v) => matchPath(v.path, opening));
void first?.preload().catch(() => undefined);

const router = createBrowserRouter([
  {
    element: (
      <AuthProvider>
        <Outlet />
      </AuthProvider>
    ),
    children: [
      { path: "/sign-in", element: signIn.element },
      {
        element: (
          <RequireAuth>
            <Shell />
          </RequireAuth>
        ),
        children: [
          { index: true, element: <Landing overview={overview.element} /> },
          ...views.map((v) => ({
            path: v.path,
            element: <RequireView view={v.id}>{v.element}</RequireView>,
          })),
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
