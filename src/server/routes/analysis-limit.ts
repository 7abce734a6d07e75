// One frame for every analysis route: the analysis stops (DuckDB interrupt) when its HTTP client goes
// away, since nobody will read the answer, and when it runs past `analysisTimeoutMs`, which answers 503.
import type { FastifyReply } from "fastify";
import type { Config } from "../../config.js";
import { stoppableBy } from "../../store/database.js";
import { HttpError } from "../errors.js";

/** Runs `run` so that its reads are interrupted when the client leaves or its time is up. */
export async function limitAnalysis<T>(
  config: Pick<Config, "analysisTimeoutMs">,
  reply: FastifyReply,
  run: () => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const ms = config.analysisTimeoutMs;
  const timer =
    ms > 0
      ? setTimeout(
          () =>
            controller.abort(
              new HttpError(
                503,
                "analysis_timeout",
                `the analysis ran longer than the limit of ${ms} ms (analysisTimeoutMs) and was stopped; narrow the period or the steps, or raise the limit`,
              ),
            ),
          ms,
        )
      : undefined;
  // 'close' before the answer was written: the client went away. 499 is nginx's "client closed request";
  // it is logged as a client error and the answer goes nowhere.
  const gone = () => {
    if (!reply.raw.writableEnded)
      controller.abort(new HttpError(499, "client_closed_request", "the client went away; analysis stopped"));
  };
  reply.raw.on("close", gone);
  try {
    return await stoppableBy(controller.signal, run);
  } finally {
    clearTimeout(timer);
    reply.raw.off("close", gone);
  }
}
