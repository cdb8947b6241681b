import { Hono } from "./routes/hono-app";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./app-env";
import { errorResponse } from "./middleware/error-response";
import { allowListedOrigins } from "./middleware/cors";
import { provideDeps } from "./middleware/deps";
import { serveSpa } from "./routes/spa";
import { auth } from "./routes/auth";
import { health } from "./routes/health";
import { imageRoutes } from "./routes/images";
import { albumRoutes } from "./routes/albums";
import { uploadRoutes } from "./routes/uploads";
import { originalApi, originalShapes } from "./routes/legacy";
import { sharedPage } from "./routes/shared-page";
import { consumeJobs } from "./jobs/consume-jobs";
import { trashRoutes } from "./routes/trash";
import { runScheduledSweep } from "./services/sweep";
import { buildDeps } from "./deps";

const app = new Hono<AppEnv>()
  .use(requestId({ headerName: "X-Request-Id" }))
  .use(provideDeps)
  .use(allowListedOrigins);

export const routes = app
  .route("/healthz", health)
  .route("/auth", auth)
  // Before /images: the original's bare-array listing is a filter in front of the modern GET /images.
  .route("/", originalShapes)
  .route("/images", imageRoutes)
  .route("/albums", albumRoutes)
  .route("/trash", trashRoutes)
  .route("/uploads", uploadRoutes)
  .route("/s", sharedPage)
  .route("/api/v2", originalApi);
// Everything else is the SPA (wrangler.toml sends all but /assets/* through the worker first).
app.get("*", serveSpa);

app.notFound((c) => c.json({ message: `No route for ${c.req.method} ${c.req.path}`, code: "not_found" }, 404));
app.onError(errorResponse);

export type AppType = typeof routes;

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    await consumeJobs(batch, env);
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledSweep(buildDeps(env), new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
