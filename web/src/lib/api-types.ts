import type { AnalysisStatus } from "../../../worker/db/schema";
import type { PublicUser } from "../../../worker/services/accounts";

export type { AnalysisStatus, PublicUser };

/**
 * The JSON of worker/services/image-view.ts. Importing that type here would drag the
 * worker's S3 code into web/'s DOM-typed program, where it does not compile, so the
 * shape is restated and scripts/e2e/api-contract.ts proves both are the same type.
 */
export interface ImageView {
  id: string;
  file_name: string;
  content_type: string;
  size: number;
  width: number;
  height: number;
  sha256: string;
  /** Kinds of metadata (EXIF, GPS, …) stripped from the stored file. */
  metadata_removed: string[];
  /** What happened to the metadata: removed, none found, or kept by the owner; null before it was recorded. */
  metadata_status: "removed" | "none_found" | "kept" | null;
  /** The owner chose never to send this image to the AI. */
  no_ai: boolean;
  created_at: string;
  file_url: string;
  file_url_expires_at: string;
  analysis_status: AnalysisStatus;
  analysis_attempts: number;
  analysis_error: string | null;
  analysis_retry_at: string | null;
  ai_description: string | null;
  description: string | null;
  alt_text: string | null;
  tags: string[];
  text: string | null;
  model: string | null;
  analyzed_at: string | null;
  prompt_hash: string | null;
  edited_by_user: boolean;
}

export interface ImagePage {
  images: ImageView[];
  next_cursor: string | null;
}

export interface SessionBody {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  user: PublicUser;
}

export interface UploadBody {
  message: string;
  file_url: string;
  image: ImageView;
  duplicate: boolean;
}

/** Account-wide privacy defaults (worker/services/account-settings.ts). */
export interface AccountSettings {
  keep_metadata: boolean;
  never_send_to_ai: boolean;
}

export interface MeBody {
  user: PublicUser;
  settings: AccountSettings;
}

/** Per-upload privacy choices; a field left out takes the account's default. */
export interface UploadOptions {
  keep_metadata?: boolean;
  no_ai?: boolean;
}

export type ImagePatch = Partial<Pick<ImageView, "no_ai" | "description" | "alt_text" | "tags">>;

/** A share link (worker/services/shares.ts). `url` comes only once, in the answer that created it. */
export interface ShareView {
  id: string;
  url?: string;
  expires_at: string;
  max_views: number | null;
  views: number;
  revoked: boolean;
  created_at: string;
}
