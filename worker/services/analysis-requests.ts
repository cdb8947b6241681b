import type { Deps } from "../deps";
import type { AnalysisStatus, Image, User } from "../db/schema";
import type { Config } from "../env";
import { AppError } from "../lib/errors";
import { runAnalysis } from "./analysis";
import { pendingIfBudgetLeft, reanalysisBudget, reanalysisWaitSeconds, resetAnalysis } from "./analysis-budget";
import { getOwnImage } from "./image-queries";
import { sendJobs } from "./send-jobs";

/**
 * When an image goes to the AI, in one place: a model is configured and neither the
 * image nor its owner keeps it from the AI. Otherwise its analysis is `skipped`.
 */
export const analysisStatusFor = (config: Pick<Config, "GEMINI_API_KEY">, noAi: boolean): AnalysisStatus =>
  config.GEMINI_API_KEY && !noAi ? "pending" : "skipped";

/** Sends a pending image's analysis job; the request answers without waiting for it. */
export async function sendAnalysisJob(deps: Deps, image: Pick<Image, "id" | "analysisStatus">) {
  if (image.analysisStatus === "pending") await sendJobs(deps, [{ kind: "analysis", imageId: image.id, attempt: 1 }]);
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

const reanalysisLimit = (retryAfter: number) =>
  new AppError(429, "analysis_limit", `An image can be re-analysed ${reanalysisBudget.perImage} times a day; try again later`, {
    headers: { "Retry-After": String(retryAfter) },
  });

/**
 * Re-analysis spends two budgets before any model call: the image's (5 a day, counted in the
 * reset itself) and the user's (`spendUserBudget`, a rate limit per user). False: the image is
 * being analysed right now.
 */
async function resetWithinBudget(deps: Deps, userId: string, image: Image, spendUserBudget: () => Promise<void>) {
  const wait = reanalysisWaitSeconds(image);
  if (wait > 0) throw reanalysisLimit(wait);
  await spendUserBudget();
  if (await resetAnalysis(deps, userId, image.id)) return true;
  // Another request may have spent the last of the image's budget meanwhile.
  const retryAfter = reanalysisWaitSeconds(await getOwnImage(deps, userId, image.id));
  if (retryAfter > 0) throw reanalysisLimit(retryAfter);
  return false;
}

/**
 * The columns that let an image kept from the AI go to it again. Allowing it again starts a paid
 * model call, as a re-analysis does, so it spends the same two budgets first (issue 24, item 3:
 * toggling no_ai got around them). When either is spent the image is still allowed, but stays
 * `skipped` with that budget's code in `analysis_error`; the owner can ask for an analysis later.
 */
export async function allowedAgain(deps: Deps, image: Image, spendUserBudget: () => Promise<void>) {
  const allowed = { noAi: false, analysisAttempts: 0 };
  if (analysisStatusFor(deps.config, false) === "skipped") return { ...allowed, analysisStatus: "skipped" as const };
  if (reanalysisWaitSeconds(image) > 0) return { ...allowed, analysisStatus: "skipped" as const, analysisError: "analysis_limit" };
  try {
    await spendUserBudget();
  } catch (error) {
    if (error instanceof AppError && error.status === 429) return { ...allowed, analysisStatus: "skipped" as const, analysisError: error.code };
    throw error;
  }
  return { ...allowed, ...pendingIfBudgetLeft() };
}

/** POST /images/:id/analyze: back to pending with a fresh attempt budget, analysed after the response. */
export async function requestReanalysis(deps: Deps, owner: Owner, id: string, spendUserBudget: () => Promise<void>) {
  const image = await getOwnImage(deps, owner.id, id);
  if (owner.neverSendToAi) throw accountKeepsFromAi();
  if (image.noAi) throw keptFromAi();
  if (!deps.config.GEMINI_API_KEY) throw analysisDisabled();
  if (!(await resetWithinBudget(deps, owner.id, image, spendUserBudget))) {
    throw new AppError(409, "analysis_in_progress", "This image is being analysed right now; try again shortly");
  }
  await sendAnalysisJob(deps, { id, analysisStatus: "pending" });
  return { id, analysis_status: "pending" as const };
}

/** The original GET /images/analyze/:id: the analysis, produced first if there is none yet. */
export async function analyzeNowIfNeeded(deps: Deps, owner: Owner, id: string, spendUserBudget: () => Promise<void>) {
  const image = await getOwnImage(deps, owner.id, id);
  if (image.analysisStatus === "done" || image.analysisStatus === "processing") return image;
  if (owner.neverSendToAi) throw accountKeepsFromAi();
  if (image.noAi) throw keptFromAi();
  if (!deps.config.GEMINI_API_KEY) throw analysisDisabled();
  if (image.analysisStatus === "pending") await spendUserBudget();
  else if (!(await resetWithinBudget(deps, owner.id, image, spendUserBudget))) return getOwnImage(deps, owner.id, id);
  await runAnalysis(deps, id);
  return getOwnImage(deps, owner.id, id);
}
