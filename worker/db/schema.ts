import { sql } from "drizzle-orm";
import { type AnyPgColumn, bigint, boolean, check, customType, index, integer, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    username: text().notNull(),
    email: text().notNull(),
    passwordHash: text().notNull(),
    /** Bumped on password change: access tokens carry it, so older ones stop working at once. */
    tokenVersion: integer().notNull().default(0),
    /** Account defaults for privacy: keep camera/location metadata, never send images to the AI. */
    keepMetadata: boolean().notNull().default(false),
    neverSendToAi: boolean().notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    uniqueIndex("users_username_lower_key").on(sql`lower(${t.username})`),
  ],
);

export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Every token rotated from one login shares a family: reuse of an old one revokes them all. */
    familyId: uuid().notNull(),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    /**
     * Once used: the successor token, sealed under this (spent) token, so for a few seconds its
     * holder (a second tab refreshing at the same moment) can be handed the same successor again.
     * Only the presented token opens it; the database alone holds no usable token.
     */
    successorSealed: text(),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("refresh_tokens_token_hash_key").on(t.tokenHash),
    index("refresh_tokens_family_idx").on(t.familyId),
    index("refresh_tokens_user_idx").on(t.userId),
  ],
);

export const analysisStatuses = ["pending", "processing", "done", "failed", "skipped"] as const;
export type AnalysisStatus = (typeof analysisStatuses)[number];

/** What happened to an upload's metadata: some was removed, none was found, or the owner kept it. */
export const metadataStatuses = ["removed", "none_found", "kept"] as const;
export type MetadataStatus = (typeof metadataStatuses)[number];
/** Derived WebP renditions (thumb, display): made once off the request path, then served from cache. */
export const renditionsStatuses = ["pending", "done", "failed", "unsupported"] as const;
export type RenditionsStatus = (typeof renditionsStatuses)[number];

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const images = pgTable(
  "images",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text().notNull(),
    fileName: text().notNull(),
    contentType: text().notNull(),
    size: integer().notNull(),
    width: integer().notNull(),
    height: integer().notNull(),
    sha256: text().notNull(),
    /** CRC-32 of the stored bytes, taken on upload so ZIP downloads need not compute it; null for older images. */
    crc32: bigint({ mode: "number" }),
    /** What metadata stripping removed on upload, e.g. "GPS location"; empty when kept or absent (metadataStatus says which). */
    metadataRemoved: text().array().notNull().default(sql`'{}'::text[]`),
    /** Null for images stored before this was recorded. */
    metadataStatus: text({ enum: metadataStatuses }),
    /** Never sent to the AI: analysis is skipped by every path while this is set. */
    noAi: boolean().notNull().default(false),
    // Millisecond precision so a keyset cursor survives the round trip through a JS Date.
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`date_trunc('milliseconds', now())`),
    /**
     * When the photo was taken (EXIF/XMP, read before stripping), as the wall clock the camera
     * showed: EXIF times have no zone, so this is a timestamp *without* time zone. Private to
     * the owner. Null when the file did not say, and for images stored before it was read.
     */
    takenAt: timestamp(),
    /** Minutes east of UTC recorded with takenAt (OffsetTimeOriginal, an XMP offset); null when none was. */
    takenAtOffset: smallint(),
    /** The timeline's order: the capture time, else the upload time read as UTC wall clock. */
    timelineAt: timestamp()
      .notNull()
      .generatedAlwaysAs(sql`coalesce(taken_at, created_at at time zone 'UTC')`),
    analysisStatus: text({ enum: analysisStatuses }).notNull().default("pending"),
    analysisAttempts: integer().notNull().default(0),
    analysisError: text(),
    /** A claimed analysis belongs to its worker until then; after it, the sweep may take it over. */
    leaseUntil: timestamp({ withTimezone: true }),
    nextAttemptAt: timestamp({ withTimezone: true }),
    description: text(),
    altText: text(),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    extractedText: text(),
    model: text(),
    analyzedAt: timestamp({ withTimezone: true }),
    /** SHA-256 of the prompt and response schema the analysis used: which instructions produced the text. */
    promptHash: text(),
    /** The owner has edited the AI's description, alt text or tags since. */
    editedByUser: boolean().notNull().default(false),
    /** Re-analyses the owner asked for in the day-long window that started then: each is a paid model call. */
    reanalyses: integer().notNull().default(0),
    reanalysesWindowStart: timestamp({ withTimezone: true }),
    /** Existing rows start pending, so the sweep backfills them. A claim holds a lease while the binding works. */
    renditionsStatus: text({ enum: renditionsStatuses }).notNull().default("pending"),
    renditionsAttempts: integer().notNull().default(0),
    renditionsError: text(),
    renditionsLeaseUntil: timestamp({ withTimezone: true }),
    renditionsNextAttemptAt: timestamp({ withTimezone: true }),
    thumbKey: text(),
    thumbSize: integer(),
    thumbWidth: integer(),
    thumbHeight: integer(),
    displayKey: text(),
    displaySize: integer(),
    displayWidth: integer(),
    displayHeight: integer(),
    /** The owner's star. */
    favorite: boolean().notNull().default(false),
    /**
     * In the trash since then: gone from every listing, album and share at once, purged
     * TRASH_DAYS later. Its objects move under trash/ right after this is set.
     */
    deletedAt: timestamp({ withTimezone: true }),
    /**
     * The objects are under trash/ (moved after deletedAt was set): until then the sweep finishes
     * the move. Cleared before a restore moves them back, so a restore cut short is redone by it.
     */
    objectsInTrash: boolean().notNull().default(false),
    search: tsvector().generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(description, '')), 'A')
        || setweight(to_tsvector('english', immutable_array_to_string(tags, ' ')), 'A')
        || setweight(to_tsvector('english', coalesce(alt_text, '')), 'B')
        || setweight(to_tsvector('english', coalesce(extracted_text, '')), 'C')
        || setweight(to_tsvector('simple', file_name), 'D')`,
    ),
  },
  (t) => [
    uniqueIndex("images_key_key").on(t.key),
    // A trashed copy does not count: the same bytes uploaded again are a new image.
    uniqueIndex("images_user_sha256_key").on(t.userId, t.sha256).where(sql`${t.deletedAt} is null`),
    // NULLS FIRST is what ORDER BY … DESC means: any other null order and Postgres sorts instead of scanning.
    // Partial: listings only ever read the library, so trashed rows never cost a listing a thing.
    index("images_user_created_idx").on(t.userId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()).where(sql`${t.deletedAt} is null`),
    index("images_user_timeline_idx").on(t.userId, t.timelineAt.desc().nullsFirst(), t.id.desc().nullsFirst()).where(sql`${t.deletedAt} is null`),
    index("images_user_favorite_idx")
      .on(t.userId, t.timelineAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.favorite} and ${t.deletedAt} is null`),
    // The trash page (newest deletion first) and the sweep's purge and unfinished moves.
    index("images_user_trash_idx").on(t.userId, t.deletedAt.desc().nullsFirst(), t.id.desc().nullsFirst()).where(sql`${t.deletedAt} is not null`),
    index("images_trash_due_idx").on(t.deletedAt).where(sql`${t.deletedAt} is not null`),
    index("images_analysis_due_idx").on(t.analysisStatus, t.nextAttemptAt),
    index("images_search_idx").using("gin", t.search),
    // Search matches inside file names ("0010" finds DSCN0010.jpg): ILIKE '%…%' served by trigrams (pg_trgm, migration 0007).
    index("images_file_name_trgm_idx").using("gin", t.fileName.op("gin_trgm_ops")),
    index("images_tags_idx").using("gin", t.tags),
    check("images_analysis_status_check", sql`${t.analysisStatus} in ('pending', 'processing', 'done', 'failed', 'skipped')`),
    check("images_metadata_status_check", sql`${t.metadataStatus} in ('removed', 'none_found', 'kept')`),
    index("images_renditions_due_idx").on(t.renditionsStatus, t.renditionsNextAttemptAt),
    check("images_renditions_status_check", sql`${t.renditionsStatus} in ('pending', 'done', 'failed', 'unsupported')`),
  ],
);

/** Public, expiring links to one image or one album (exactly one of the two); only a hash of the token is stored. */
export const shares = pgTable(
  "shares",
  {
    id: uuid().primaryKey().defaultRandom(),
    imageId: uuid().references(() => images.id, { onDelete: "cascade" }),
    // A function, not the const: albums is declared further down.
    albumId: uuid().references((): AnyPgColumn => albums.id, { onDelete: "cascade" }),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    maxViews: integer(),
    views: integer().notNull().default(0),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("shares_token_hash_key").on(t.tokenHash),
    index("shares_image_idx").on(t.imageId),
    index("shares_album_idx").on(t.albumId),
    check("shares_one_target_check", sql`(${t.imageId} is null) <> (${t.albumId} is null)`),
  ],
);

/**
 * Sign-in attempts per (email, client address), keyed by an HMAC of both: an unknown email
 * gets rows exactly like a known one, and the table names no one. Swept once quiet.
 */
export const loginPlaceThrottles = pgTable(
  "login_place_throttles",
  {
    key: text().primaryKey(),
    /** Attempts since the last success from this place; from the fifth on, each makes the next wait longer. */
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The email signed in from here: a known place, which the account's budget does not stop. */
    lastSuccessAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_place_throttles_updated_idx").on(t.updatedAt)],
);

/** Sign-in attempts per email (an HMAC of it) from every address, in hourly windows. */
export const loginAccountThrottles = pgTable(
  "login_account_throttles",
  {
    key: text().primaryKey(),
    attempts: integer().notNull().default(0),
    windowStartedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_account_throttles_window_idx").on(t.windowStartedAt)],
);

/** Millisecond precision, so a keyset cursor survives the round trip through a JS Date. */
const createdAtMs = () => timestamp({ withTimezone: true }).notNull().default(sql`date_trunc('milliseconds', now())`);

/** The owner's named sets of images; an image may be in several. Deleting an album never deletes its images. */
export const albums = pgTable(
  "albums",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** The owner's chosen cover, one of the album's images (the service checks); null: the album's first image. */
    coverImageId: uuid().references(() => images.id, { onDelete: "set null" }),
    createdAt: createdAtMs(),
    updatedAt: createdAtMs(),
  },
  (t) => [index("albums_user_created_idx").on(t.userId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())],
);

/** Which images an album holds; both sides belong to the same user (the service only links the owner's own). */
export const albumImages = pgTable(
  "album_images",
  {
    albumId: uuid()
      .notNull()
      .references(() => albums.id, { onDelete: "cascade" }),
    // Deleting an image takes it out of every album.
    imageId: uuid()
      .notNull()
      .references(() => images.id, { onDelete: "cascade" }),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.albumId, t.imageId] }), index("album_images_image_idx").on(t.imageId)],
);

/** Objects whose delete failed: the sweep retries them, so nothing is left in the bucket. */
export const pendingObjectDeletions = pgTable("pending_object_deletions", {
  key: text().primaryKey(),
  attempts: integer().notNull().default(0),
  lastError: text(),
  createdAt: createdAt(),
});

/**
 * A direct upload: the client sends the bytes to the bucket in parts (S3 multipart, under a key
 * the server picked in `incoming/<user>/`), the server signs and then processes. `uploading` until
 * the client completes it; `processing` while its job makes an image of it; then `done` (image_id
 * set), `failed` (error says why; nothing of it is kept) or `aborted` (by the client, or by the sweep
 * after a day).
 */
export const directUploadStatuses = ["uploading", "processing", "done", "failed", "aborted"] as const;
export type DirectUploadStatus = (typeof directUploadStatuses)[number];

export const directUploads = pgTable(
  "direct_uploads",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The incoming object's key and the bucket's multipart upload id. */
    key: text().notNull(),
    s3UploadId: text().notNull(),
    fileName: text().notNull(),
    /** As the client declared them at creation; checked again against the object at completion. */
    declaredType: text().notNull(),
    declaredSize: bigint({ mode: "number" }),
    /** The owner's choices for this file, read when it is processed. */
    keepMetadata: boolean().notNull().default(false),
    noAi: boolean().notNull().default(false),
    /**
     * What the browser read before it stripped the file (the server can no longer read it from
     * the bytes): the capture time as the owner's own claim about their photo, and what it removed.
     */
    browserTakenAt: timestamp(),
    browserTakenAtOffset: smallint(),
    strippedInBrowser: text().array(),
    status: text({ enum: directUploadStatuses }).notNull().default("uploading"),
    error: text(),
    imageId: uuid().references((): AnyPgColumn => images.id, { onDelete: "set null" }),
    /** True when the bytes were already in the library: image_id is the earlier image. */
    duplicate: boolean().notNull().default(false),
    /** The ingest job's lease and attempt count, fenced as the other jobs are. */
    attempts: integer().notNull().default(0),
    leaseUntil: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("direct_uploads_key_key").on(t.key),
    index("direct_uploads_user_idx").on(t.userId, t.createdAt),
    index("direct_uploads_status_idx").on(t.status, t.createdAt),
    check("direct_uploads_status_check", sql`${t.status} in ('uploading', 'processing', 'done', 'failed', 'aborted')`),
  ],
);

export type User = typeof users.$inferSelect;
/** An image row as the app reads it: the search vector stays in the database. */
export type Image = Omit<typeof images.$inferSelect, "search">;
export type Share = typeof shares.$inferSelect;
export type RefreshToken = typeof refreshTokens.$inferSelect;
export type Album = typeof albums.$inferSelect;
export type DirectUpload = typeof directUploads.$inferSelect;
