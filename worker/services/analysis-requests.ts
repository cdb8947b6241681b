import type { Deps } from "../deps";
import type { AnalysisStatus, Image, User } from "../db/schema";
import type { Config } from "../env";
import { AppError } from "../lib/errors";
import { analyzeInBackground, resetAnalysis, runAnalysis } from "./analysis";
import { getOwnImage } from "./image-queries";

/**
 * When an image goes to the AI, in one place: a model is configured and neither the
 * image nor its owner keeps it from the AI. Otherwise its analysis is `skipped`.
 */
export const analysisStatusFor = (config: Pick<Config, "GEMINI_API_KEY">, noAi: boolean): AnalysisStatus =>
  config.GEMINI_API_KEY && !noAi ? "pending" : "skipped";

/**
 * Schedules a pending image's analysis after the response. `bytes`, the object just
 * stored, spare the first attempt a download from the bucket.
 */
export function scheduleAnalysis(deps: Deps, image: Pick<Image, "id" | "analysisStatus">, bytes?: Uint8Array) {
  if (image.analysisStatus === "pending") deps.defer(analyzeInBackground(deps, image.id, bytes));
}

const analysisDisabled = () =>
  new AppError(409, "analysis_disabled", "Image analysis is not configured on this server (no GEMINI_API_KEY)");

const keptFromAi = () =>
  new AppError(409, "no_ai", "This image is marked never to be sent to the AI; turn that off to analyse it");

/** The account-wide switch wins over anything asked of one image. */
export const accountKeepsFromAi = () =>
  new AppError(
    409,
    "account_never_send_to_ai",
    "Your account is set to never send images to the AI; turn that off in your account settings to analyse this image",
  );

/** Who asks: the owner's id and their account-wide AI setting. */
export type Owner = Pick<User, "id" | "neverSendToAi">;

/** POST /images/:id/analyze: back to pending with a fresh attempt budget, analysed after the response. */
export async function requestReanalysis(deps: Deps, owner: Owner, id: string) {
  const userId = owner.id;
  const image = await getOwnImage(deps, userId, id);
  if (owner.neverSendToAi) throw accountKeepsFromAi();
  if (image.noAi) throw keptFromAi();
  if (!deps.config.GEMINI_API_KEY) throw analysisDisabled();
  if (!(await resetAnalysis(deps, userId, id))) {
    throw new AppError(409, "analysis_in_progress", "This image is being analysed right now; try again shortly");
  }
  scheduleAnalysis(deps, { id, analysisStatus: "pending" });
  return { id, analysis_status: "pending" as const };
}

/** The original GET /images/analyze/:id: the analysis, produced first if there is none yet. */
export async function analyzeNowIfNeeded(deps: Deps, owner: Owner, id: string) {
  const userId = owner.id;
  const image = await getOwnImage(deps, userId, id);
  if (image.analysisStatus === "done" || image.analysisStatus === "processing") return image;
  if (owner.neverSendToAi) throw accountKeepsFromAi();
  if (image.noAi) throw keptFromAi();
  if (!deps.config.GEMINI_API_KEY) throw analysisDisabled();
  if (image.analysisStatus === "failed" || image.analysisStatus === "skipped") await resetAnalysis(deps, userId, id);
  await runAnalysis(deps, id);
  return getOwnImage(deps, userId, id);
}
