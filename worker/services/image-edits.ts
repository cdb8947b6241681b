import { and, eq } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { Deps } from "../deps";
import { images, type Image } from "../db/schema";
import { sanitizeAnswer } from "../lib/ai-text";
import { accountKeepsFromAi, allowedAgain, sendAnalysisJob, type Owner } from "./analysis-requests";
import { imageColumns, imageNotFound, getOwnImage, inLibrary } from "./image-queries";

export interface ImagePatch {
  no_ai?: boolean;
  description?: string;
  alt_text?: string;
  tags?: string[];
  favorite?: boolean;
}

/** Stored AI output, cleared when an image is withdrawn from the AI. */
const clearedAnalysis: Partial<typeof images.$inferInsert> = {
  analysisStatus: "skipped",
  description: null,
  altText: null,
  tags: [],
  extractedText: null,
  model: null,
  analyzedAt: null,
  promptHash: null,
  editedByUser: false,
  analysisError: null,
  nextAttemptAt: null,
  leaseUntil: null,
};

/**
 * The owner's edits: text is cleaned like the AI's (same limits, no control characters)
 * and marks the analysis as edited by a person. `no_ai: true` deletes the AI's text;
 * `no_ai: false` sends the image to the AI again, unless the account keeps every image from it,
 * within the re-analysis budgets (`allowedAgain`, which spends `spendUserBudget`): at once, or with
 * `analyseNow: false` by the sweep (a bulk change must not start a hundred analyses, each holding
 * an image, in one request).
 */
export async function updateImage(
  deps: Deps,
  owner: Owner,
  id: string,
  patch: ImagePatch,
  spendUserBudget: () => Promise<void>,
  options: { analyseNow?: boolean } = {},
): Promise<Image> {
  const userId = owner.id;
  const current = await getOwnImage(deps, userId, id);
  if (patch.no_ai === false && owner.neverSendToAi) throw accountKeepsFromAi();
  const changes: PgUpdateSetSource<typeof images> = {};
  if (patch.no_ai === true && !current.noAi) Object.assign(changes, { noAi: true, ...clearedAnalysis });
  const allowing = patch.no_ai === false && current.noAi;
  if (allowing) Object.assign(changes, await allowedAgain(deps, current, spendUserBudget));
  if (patch.favorite !== undefined && patch.favorite !== current.favorite) changes.favorite = patch.favorite;
  const edited = patch.description !== undefined || patch.alt_text !== undefined || patch.tags !== undefined;
  if (edited) {
    const clean = sanitizeAnswer({
      description: patch.description ?? current.description ?? "",
      alt_text: patch.alt_text ?? current.altText ?? "",
      tags: patch.tags ?? current.tags,
      text: "",
    });
    Object.assign(changes, {
      ...(patch.description !== undefined ? { description: clean.description } : {}),
      ...(patch.alt_text !== undefined ? { altText: clean.altText } : {}),
      ...(patch.tags !== undefined ? { tags: clean.tags } : {}),
      editedByUser: true,
    });
  }
  if (Object.keys(changes).length === 0) return current;
  const [image] = await deps.db
    .update(images)
    .set(changes)
    .where(and(eq(images.id, id), eq(images.userId, userId), inLibrary))
    .returning(imageColumns);
  if (!image) throw imageNotFound();
  if (allowing && options.analyseNow !== false) await sendAnalysisJob(deps, image);
  return image;
}

/** The account-wide switch: every image of the user leaves the AI, and its AI text goes. */
export async function withdrawAllFromAi(deps: Pick<Deps, "db">, userId: string) {
  await deps.db
    .update(images)
    .set({ noAi: true, ...clearedAnalysis })
    .where(and(eq(images.userId, userId), eq(images.noAi, false)));
}
