import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { directUploads, users, type DirectUpload } from "../db/schema";
import { postgresError } from "../lib/db-errors";
import { AppError } from "../lib/errors";
import { sanitizeFileName } from "../lib/file-name";
import { isUuid } from "../lib/text";
import { isPlausible } from "../images/capture-time";
import { ownerId, readAs, type Caller, type Owner } from "./caller";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  headObject,
  listParts,
  maxParts,
  presignUploadPart,
  type StoredPart,
} from "./multipart-store";
import { deleteObjectOrQueue } from "./object-cleanup";
import { deleteObject } from "./object-store";
import { sendJobs } from "./send-jobs";
import { invalidToken, issueUploadCapability } from "./tokens";

/** What a direct upload may declare itself: the types the upload route takes. */
const directUploadTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif", "image/heic", "image/heif"] as const;

/** A part URL is used at once (Uppy signs each part just before sending it); an hour covers a slow part. */
const partUrlSeconds = 60 * 60;

/** R2's smallest part but the last: a file has at most ceil(size / this) parts. */
const minPartBytes = 5 * 1024 * 1024;

export interface NewDirectUpload {
  filename: string;
  type: string;
  size?: number;
  keepMetadata?: boolean;
  noAi?: boolean;
  /** Read by the browser before it stripped the file: local wall time "2024-05-06T07:08:09", minutes east of UTC, what it removed. */
  takenAt?: string;
  takenAtOffsetMinutes?: number;
  strippedInBrowser?: string;
  /** How many parts the client will send: their URLs come with the creation's answer, so it need not sign them one by one. */
  partCount?: number;
}

/** The browser's capture time when it is one a photo may have (after 1900, not in the future); else none. */
function browserCaptureTime(input: NewDirectUpload, now = new Date()) {
  if (!input.takenAt) return undefined;
  const captured = { local: new Date(`${input.takenAt}Z`), offsetMinutes: input.takenAtOffsetMinutes };
  return !Number.isNaN(captured.local.getTime()) && isPlausible(captured, now) ? captured : undefined;
}

const uploadNotFound = () => new AppError(404, "upload_not_found", "No such upload");

const tooLarge = (max: number) => new AppError(413, "file_too_large", `Direct uploads may be at most ${max} bytes`);

/** POST /uploads/capability: a path the Companion routes accept instead of the bearer token. */
export async function issueUploadEndpoint(deps: Pick<Deps, "config">, caller: Caller) {
  const { token, expiresAt } = await issueUploadCapability(deps.config.JWT_SECRET_KEY, caller.accessClaims);
  return { endpoint: `/uploads/c/${token}`, expires_at: expiresAt.toISOString() };
}

/**
 * CreateMultipartUpload under a key the server picks (`incoming/<user>/<id>`): the client names
 * nothing in the bucket. The declared type must be an image type the service takes and the
 * declared size (when given) within MAX_DIRECT_UPLOAD_BYTES; both are checked again at completion.
 * The row carries the token's check (Caller.idWhileGood), and the owner's defaults are read in the
 * same statement: one request to the database, not a read of the user's row first (D1).
 */
export async function createDirectUpload(deps: Deps, caller: Caller, input: NewDirectUpload) {
  if (!(directUploadTypes as readonly string[]).includes(input.type)) {
    throw new AppError(415, "unsupported_type", "Only JPEG, PNG, WebP, GIF, AVIF and HEIC images are accepted");
  }
  if (input.size !== undefined && input.size > deps.config.MAX_DIRECT_UPLOAD_BYTES) throw tooLarge(deps.config.MAX_DIRECT_UPLOAD_BYTES);
  if (input.size === 0) throw new AppError(400, "empty_file", "The file is empty");
  const id = crypto.randomUUID();
  const key = `incoming/${caller.userId}/${id}`;
  const fileName = sanitizeFileName(input.filename, input.type.split("/")[1] ?? "img");
  const captured = browserCaptureTime(input);
  const s3UploadId = await createMultipartUpload(deps, key, { contentType: input.type, fileName });
  const ownersDefault = (column: typeof users.keepMetadata | typeof users.neverSendToAi) =>
    sql`(select ${column} from ${users} where ${users.id} = ${caller.userId})`;
  try {
    await deps.db.insert(directUploads).values({
      id,
      userId: caller.idWhileGood(),
      key,
      s3UploadId,
      fileName,
      declaredType: input.type,
      declaredSize: input.size ?? null,
      keepMetadata: input.keepMetadata ?? ownersDefault(users.keepMetadata),
      noAi: input.noAi === true ? true : ownersDefault(users.neverSendToAi),
      browserTakenAt: captured?.local ?? null,
      browserTakenAtOffset: captured?.offsetMinutes ?? null,
      strippedInBrowser: input.strippedInBrowser ? input.strippedInBrowser.split(",").map((name) => name.trim()).filter(Boolean).slice(0, 50) : null,
    });
  } catch (error) {
    // user_id null: the token is no longer good (signed out, password changed, account gone).
    if (postgresError(error).code !== "23502") throw error;
    await abortMultipartUpload(deps, key, s3UploadId).catch(() => undefined);
    throw invalidToken();
  }
  return { key, uploadId: s3UploadId, ...(await partUrlsAtCreation(deps, key, s3UploadId, input)) };
}

/**
 * The part URLs a client asked for with `part_count` (the SPA), each what signing it would
 * answer: a client that has them skips one request per part (D1). Never more than the declared
 * size (or the limit) allows parts; a client that needs others signs them as usual. Uppy sends no
 * part_count and ignores the field.
 */
async function partUrlsAtCreation(deps: Deps, key: string, s3UploadId: string, input: NewDirectUpload) {
  if (!input.partCount) return {};
  const count = Math.min(input.partCount, Math.ceil((input.size ?? deps.config.MAX_DIRECT_UPLOAD_BYTES) / minPartBytes), maxParts);
  const numbers = Array.from({ length: count }, (_, i) => i + 1);
  const urls = await Promise.all(numbers.map((n) => presignUploadPart(deps, key, s3UploadId, n, partUrlSeconds)));
  return { part_urls: urls.map((url, i) => ({ PartNumber: numbers[i], url })), expires: partUrlSeconds };
}

/** What the routes naming an upload need of its row. */
const uploadState = { id: directUploads.id, status: directUploads.status, declaredSize: directUploads.declaredSize };
type UploadState = Pick<DirectUpload, keyof typeof uploadState>;

/**
 * The caller's own upload with this key and bucket upload id; anyone else's, or a wrong pair, is
 * 404. A Caller's token check is sent with it (one request to the database).
 */
async function ownUpload(deps: Pick<Deps, "db">, owner: Owner, key: string, s3UploadId: string): Promise<UploadState> {
  const [row] = await readAs(
    owner,
    deps.db
      .select(uploadState)
      .from(directUploads)
      .where(and(eq(directUploads.userId, ownerId(owner)), eq(directUploads.key, key), eq(directUploads.s3UploadId, s3UploadId))),
  );
  if (!row) throw uploadNotFound();
  return row;
}

function stillUploading(row: UploadState) {
  if (row.status !== "uploading") throw new AppError(409, "upload_not_in_progress", `This upload is ${row.status}`);
}

export async function signDirectUploadPart(deps: Deps, owner: Owner, key: string, s3UploadId: string, partNumber: number) {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > maxParts) {
    throw new AppError(400, "invalid_request", `partNumber must be a whole number from 1 to ${maxParts}`, { field: "partNumber" });
  }
  const row = await ownUpload(deps, owner, key, s3UploadId);
  stillUploading(row);
  return { url: await presignUploadPart(deps, key, s3UploadId, partNumber, partUrlSeconds), expires: partUrlSeconds };
}

/** What already arrived: the client sends only the parts missing. */
export async function listDirectUploadParts(deps: Deps, owner: Owner, key: string, s3UploadId: string): Promise<StoredPart[]> {
  const row = await ownUpload(deps, owner, key, s3UploadId);
  stillUploading(row);
  const parts = await listParts(deps, key, s3UploadId);
  if (!parts) throw uploadNotFound();
  return parts;
}

/**
 * CompleteMultipartUpload, then the object as the bucket has it (HEAD) against what was declared
 * and the limit: one that fails is deleted and the upload `failed`. Then the upload is processed
 * by a job; its status is at `location`. Completing an upload already completed answers the same.
 */
export async function completeDirectUpload(
  deps: Deps,
  owner: Owner,
  key: string,
  s3UploadId: string,
  parts: { PartNumber: number; ETag: string }[],
) {
  const row = await ownUpload(deps, owner, key, s3UploadId);
  const answer = { location: `/uploads/${row.id}`, key, upload_id: row.id };
  if (row.status === "processing" || row.status === "done") return answer;
  stillUploading(row);
  if (parts.some((part, i) => i > 0 && part.PartNumber <= parts[i - 1].PartNumber)) {
    throw new AppError(400, "invalid_part_order", "Parts must be listed in ascending order of PartNumber");
  }
  await completeMultipartUpload(deps, key, s3UploadId, parts);
  const stored = await headObject(deps, key);
  const problem = !stored
    ? uploadNotFound()
    : stored.size > deps.config.MAX_DIRECT_UPLOAD_BYTES
      ? tooLarge(deps.config.MAX_DIRECT_UPLOAD_BYTES)
      : row.declaredSize !== null && stored.size !== row.declaredSize
        ? new AppError(422, "size_mismatch", `The upload holds ${stored.size} bytes, not the ${row.declaredSize} declared`)
        : undefined;
  if (problem) {
    await deleteObject(deps, key);
    await deps.db.update(directUploads).set({ status: "failed", error: problem.code, completedAt: new Date() }).where(eq(directUploads.id, row.id));
    throw problem;
  }
  await deps.db.update(directUploads).set({ status: "processing", completedAt: new Date() }).where(eq(directUploads.id, row.id));
  await sendJobs(deps, [{ kind: "ingest", uploadId: row.id, attempt: 1 }]);
  return answer;
}

/** AbortMultipartUpload: its parts go. Aborting twice is fine; a completed upload is no longer abortable. */
export async function abortDirectUpload(deps: Deps, owner: Owner, key: string, s3UploadId: string) {
  const row = await ownUpload(deps, owner, key, s3UploadId);
  if (row.status === "aborted") return;
  stillUploading(row);
  await abortMultipartUpload(deps, key, s3UploadId);
  await deps.db.update(directUploads).set({ status: "aborted", completedAt: new Date() }).where(eq(directUploads.id, row.id));
}

/** GET /uploads/:id: where an upload is, and the image it became. */
export async function getDirectUpload(deps: Pick<Deps, "db">, owner: Owner, id: string) {
  if (!isUuid(id)) throw uploadNotFound();
  const [row] = await readAs(owner, deps.db.select().from(directUploads).where(and(eq(directUploads.id, id), eq(directUploads.userId, ownerId(owner)))));
  if (!row) throw uploadNotFound();
  return {
    id: row.id,
    status: row.status,
    file_name: row.fileName,
    error: row.error,
    image_id: row.imageId,
    duplicate: row.duplicate,
    created_at: row.createdAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
  };
}

/** Abandoned: a multipart upload the client never completed is aborted (its parts deleted) a day on. */
const abandonedAfterMs = 24 * 60 * 60_000;
/** A completed upload still processing this long after its lease ran out lost its job: it is sent again. */
const lostJobAfterMs = 10 * 60_000;

/**
 * The sweep's share: aborts uploads abandoned for a day (the bucket's lifecycle rule does the
 * same in production, docs/deploying), and sends again the ingest job of a completed upload
 * whose message was lost. Answers how many it touched.
 */
export async function sweepDirectUploads(deps: Deps, now: Date) {
  const abandoned = await deps.db
    .select()
    .from(directUploads)
    .where(and(eq(directUploads.status, "uploading"), lt(directUploads.createdAt, new Date(now.getTime() - abandonedAfterMs))))
    .orderBy(directUploads.createdAt)
    .limit(20);
  for (const upload of abandoned) {
    await abortMultipartUpload(deps, upload.key, upload.s3UploadId);
    await deps.db.update(directUploads).set({ status: "aborted", error: "abandoned", completedAt: now }).where(eq(directUploads.id, upload.id));
  }
  const stalled = await deps.db
    .select({ id: directUploads.id })
    .from(directUploads)
    .where(
      and(
        eq(directUploads.status, "processing"),
        lt(directUploads.completedAt, new Date(now.getTime() - lostJobAfterMs)),
        sql`(${directUploads.leaseUntil} is null or ${directUploads.leaseUntil} < ${now.toISOString()}::timestamptz)`,
      ),
    )
    .limit(20);
  await sendJobs(deps, stalled.map(({ id }) => ({ kind: "ingest" as const, uploadId: id, attempt: 2 })));
  return abandoned.length + stalled.length;
}

/** For account deletion: the user's uploads still in progress are aborted and any incoming object removed. */
export async function abandonUploadsOf(deps: Deps, userId: string) {
  const open = await deps.db
    .select()
    .from(directUploads)
    .where(and(eq(directUploads.userId, userId), inArray(directUploads.status, ["uploading", "processing"])));
  await Promise.all(
    open.map(async (upload) => {
      if (upload.status === "uploading") await abortMultipartUpload(deps, upload.key, upload.s3UploadId).catch(() => undefined);
      await deleteObjectOrQueue(deps, upload.key);
    }),
  );
}
