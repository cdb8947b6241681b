import * as v from "valibot";
import { imageContentTypes } from "./images/sniff";

/**
 * Secrets are not in wrangler.toml, so `wrangler types` cannot see them: declare them here, with
 * the optional vars whose defaults live in this file rather than in wrangler.toml.
 */
declare global {
  namespace Cloudflare {
    interface Env {
      JWT_SECRET_KEY?: string;
      DATABASE_URL?: string;
      AWS_ACCESS_KEY_ID?: string;
      AWS_SECRET_ACCESS_KEY?: string;
      S3_BUCKET_NAME?: string;
      S3_ENDPOINT?: string;
      NEON_FETCH_ENDPOINT?: string;
      GEMINI_API_KEY?: string;
      GEMINI_BASE_URL?: string;
      ALLOWED_ORIGINS?: string;
      IMAGES_INPUT_FORMATS?: string;
      IMAGES_MAX_INPUT_BYTES?: string;
      IMAGES_MAX_INPUT_PIXELS?: string;
      IMAGES_MAX_INPUT_SIDE?: string;
      TRASH_DAYS?: string;
    }
  }
}

const text = v.pipe(v.string("is required"), v.trim(), v.nonEmpty("is required"));
const optionalText = v.optional(v.pipe(v.string(), v.trim()), "");
const httpUrl = v.pipe(text, v.url("must be a URL"), v.regex(/^https?:\/\//, "must be an http(s) URL"));
const optionalHttpUrl = v.optional(v.union([v.literal(""), httpUrl], "must be an http(s) URL"), "");
/** Each comma-separated entry an http(s) origin as a browser sends it (case and a trailing slash aside). */
const isOriginList = (list: string) =>
  list
    .split(",")
    .map((entry) => entry.trim().toLowerCase().replace(/\/+$/, ""))
    .filter(Boolean)
    .every((entry) => URL.canParse(entry) && /^https?:$/.test(new URL(entry).protocol) && new URL(entry).origin === entry);
const integer = (fallback: number, min: number, max: number) =>
  v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, "must be a whole number"),
      v.transform(Number),
      v.minValue(min, `must be at least ${min}`),
      v.maxValue(max, `must be at most ${max}`),
    ),
    String(fallback),
  );

/** Comma-separated content types, each one an upload can be stored as; empty: none. */
const imageTypeList = (fallback: string[]) =>
  v.optional(
    v.pipe(
      v.string(),
      v.transform((list) => list.split(",").map((entry) => entry.trim().toLowerCase()).filter(Boolean)),
      v.check(
        (types) => types.every((type) => imageContentTypes.includes(type)),
        `must be comma-separated image types from: ${imageContentTypes.join(", ")}`,
      ),
    ),
    fallback.join(","),
  );

const configSchema = v.object({
  JWT_SECRET_KEY: v.pipe(
    text,
    v.check((s) => new TextEncoder().encode(s).length >= 32, "must be at least 32 bytes"),
  ),
  DATABASE_URL: v.pipe(text, v.regex(/^postgres(ql)?:\/\/.+/, "must be a postgres:// URL")),
  NEON_FETCH_ENDPOINT: optionalHttpUrl,
  S3_BUCKET_NAME: v.pipe(text, v.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid bucket name")),
  S3_REGION: text,
  S3_ENDPOINT: optionalHttpUrl,
  AWS_ACCESS_KEY_ID: text,
  AWS_SECRET_ACCESS_KEY: text,
  GEMINI_API_KEY: optionalText,
  GEMINI_MODEL: v.optional(v.pipe(text, v.regex(/^[\w.-]+$/, "must be a model name")), "gemini-2.5-flash"),
  GEMINI_BASE_URL: optionalHttpUrl,
  GEMINI_TIMEOUT_MS: integer(20_000, 1000, 60_000),
  MAX_UPLOAD_BYTES: integer(10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  MAX_DIRECT_UPLOAD_BYTES: integer(100 * 1024 * 1024, 1024, 5 * 1024 * 1024 * 1024),
  FILE_URL_TTL: integer(900, 60, 604_800),
  /** How long a deleted image stays in the trash before the sweep deletes it for good. */
  TRASH_DAYS: integer(30, 1, 3650),
  // What the Images binding reads, decided before it is called (services/images-input.ts). The defaults
  // are production's Cloudflare Images: HEIC yes, AVIF only on Enterprise plans, up to 100 MB,
  // 100 megapixels and 12,000 px a side. The local binding (sharp) reads more, so tests use these too.
  IMAGES_INPUT_FORMATS: imageTypeList(["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic"]),
  IMAGES_MAX_INPUT_BYTES: integer(100_000_000, 1, 1_000_000_000),
  IMAGES_MAX_INPUT_PIXELS: integer(100_000_000, 1, 1_000_000_000),
  IMAGES_MAX_INPUT_SIDE: integer(12_000, 1, 100_000),
  ALLOWED_ORIGINS: v.optional(
    v.pipe(v.string(), v.trim(), v.check(isOriginList, "must be comma-separated http(s) origins, such as https://app.example.com")),
    "",
  ),
});

export type Config = v.InferOutput<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

const cache = new WeakMap<object, Config>();

/** Parses the env once per env object; throws one ConfigError naming every bad key (never a value). */
export function getConfig(env: Cloudflare.Env | Record<string, unknown>): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const result = v.safeParse(configSchema, pickStrings(env));
  if (!result.success) {
    throw new ConfigError(
      result.issues.map(
        (issue) => `${v.getDotPath(issue) ?? "config"} ${issue.received === "undefined" ? "is required" : issue.message}`,
      ),
    );
  }
  cache.set(env, result.output);
  return result.output;
}

/** Bindings (ASSETS, rate limiters) are objects; only string vars are config. */
function pickStrings(env: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}
