import type { Deps } from "../deps";
import { AppError } from "../lib/errors";
import { resetAnalysis, runAnalysis } from "./analysis";
import { getOwnImage } from "./image-queries";

const analysisDisabled = () =>
  new AppError(409, "analysis_disabled", "Image analysis is not configured on this server (no GEMINI_API_KEY)");

const keptFromAi = () =>
  new AppError(409, "no_ai", "This image is marked never to be sent to the AI; turn that off to analyse it");

/** POST /images/:id/analyze: back to pending with a fresh attempt budget. */
export async function requestReanalysis(deps: Deps, userId: string, id: string) {
  const image = await getOwnImage(deps, userId, id);
  if (image.noAi) throw keptFromAi();
  if (!deps.config.GEMINI_API_KEY) throw analysisDisabled();
  if (!(await resetAnalysis(deps, userId, id))) {
    throw new AppError(409, "analysis_in_progress", "This image is being analysed right now; try again shortly");
  }
}

/** The original GET /images/analyze/:id: the analysis, produced first if there is none yet. */
export async function analyzeNowIfNeeded(deps: Deps, userId: string, id: string) {
  const image = await getOwnImage(deps, userId, id);
  if (image.analysisStatus === "done" || image.analysisStatus === "processing") return image;
  if (image.noAi) throw keptFromAi();
  if (!deps.config.GEMINI_API_KEY) throw analysisDisabled();
  if (image.analysisStatus === "failed" || image.analysisStatus === "skipped") await resetAnalysis(deps, userId, id);
  await runAnalysis(deps, id);
  return getOwnImage(deps, userId, id);
}
