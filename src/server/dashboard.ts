// The web dashboard: the files `vite build` wrote to dist/web, served by the same process as the API.
// Hashed assets are cached for good (pre-compressed copies are sent when the browser takes them);
// index.html is never cached, and any page path that is not the API gets it (the app routes itself).
import fs from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { App } from "./app.js";

/** The package's root: the nearest folder above this module with a package.json. */
function packageRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

export function dashboardDirectory(configured: string): string {
  return configured ? path.resolve(configured) : path.join(packageRoot(), "dist", "web");
}

// Mantine and ECharts set inline styles, hence style-src 'unsafe-inline'; scripts are only our files.
const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cache-control": "no-cache",
};

const isPageRequest = (req: FastifyRequest) =>
  (req.method === "GET" || req.method === "HEAD") &&
  !req.url.startsWith("/api/") &&
  !req.url.startsWith("/v1/") &&
  (req.headers.accept ?? "").includes("text/html");

/**
 * Serves the dashboard, and returns the fallback for unknown paths: a page request gets index.html
 * (or, before the dashboard is built, a page saying how to build it); anything else is left to the
 * API's 404 envelope.
 */
export async function serveDashboard(
  app: App,
  configuredDir: string,
): Promise<(req: FastifyRequest, reply: FastifyReply) => boolean> {
  const dir = dashboardDirectory(configuredDir);
  const index = path.join(dir, "index.html");
  const built = fs.existsSync(index);
  if (built) {
    // The dashboard's files are public (sign-in happens in the page); routes must say so, since a route
    // that declares no access is refused (src/server/permissions.ts).
    await app.register(async (scope) => {
      scope.addHook("onRoute", (route) => {
        route.config = { ...route.config, access: "public" };
      });
      await scope.register(fastifyStatic, {
        root: dir,
        prefix: "/",
        index: false,
        wildcard: false,
        preCompressed: true,
        // Only hashed files live under assets/, so they never change under the same name.
        setHeaders: (res, file) => {
          if (file.includes(`${path.sep}assets${path.sep}`))
            res.header("cache-control", "public, max-age=31536000, immutable");
        },
      });
    });
  }
  const html = built ? fs.readFileSync(index) : undefined;
  return (req, reply) => {
    if (!isPageRequest(req)) return false;
    if (!html) {
      void reply
        .status(503)
        .type("text/plain; charset=utf-8")
        .send(`The dashboard is not built (${index} is missing). Run \`npm run build\`, then reload.\n`);
      return true;
    }
    void reply.status(200).headers(PAGE_HEADERS).type("text/html; charset=utf-8").send(html);
    return true;
  };
}
