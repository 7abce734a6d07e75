// Routes: sign-in outside the shell, every view inside it, each view a lazy chunk of its own.
import { lazy } from "react";
import { createBrowserRouter, Outlet, RouterProvider } from "react-router";
import { AuthProvider, RequireAuth } from "./auth.js";
import { NotFound } from "./NotFound.js";
import { Shell } from "./Shell.js";

const view = (load: () => Promise<{ default: React.ComponentType }>) => {
  const Component = lazy(load);
  return <Component />;
};

const router = createBrowserRouter([
  {
    element: (
      <AuthProvider>
        <Outlet />
      </AuthProvider>
    ),
    children: [
      { path: "/sign-in", element: view(() => import("../views/sign-in/index.js")) },
      {
        element: (
          <RequireAuth>
            <Shell />
          </RequireAuth>
        ),
        children: [
          { index: true, element: view(() => import("../views/overview/index.js")) },
          { path: "/journey-map", element: view(() => import("../views/journey-map/index.js")) },
          { path: "/funnels", element: view(() => import("../views/funnels/index.js")) },
          { path: "/paths", element: view(() => import("../views/paths/index.js")) },
          { path: "/retention", element: view(() => import("../views/retention/index.js")) },
          { path: "/stage-flow", element: view(() => import("../views/stage-flow/index.js")) },
          { path: "/time-to-convert", element: view(() => import("../views/time-to-convert/index.js")) },
          { path: "/frictions", element: view(() => import("../views/frictions/index.js")) },
          { path: "/customers", element: view(() => import("../views/customers/index.js")) },
          { path: "/customers/:id", element: view(() => import("../views/customers/Customer360.js")) },
          { path: "/settings/:tab?", element: view(() => import("../views/settings/index.js")) },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
