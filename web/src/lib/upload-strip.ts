import { inspectImage } from "../../../worker/images/inspect-stream";
import { stripMetadata } from "../../../worker/images/strip-stream";

export interface StrippedFile {
  blob: Blob;
  /** Sent along as the upload's metadata: what the server can no longer read from the bytes. */
  facts: Record<string, string>;
}

/**
 * Location never leaves the device: unless the owner keeps metadata, the file loses what the
 * server would strip before its first byte is sent, by the server's own codec (worker/images,
 * pure TypeScript, in this lazily loaded chunk only). The server strips again: it trusts no client.
 * A file the codec cannot read goes as it is, and the server refuses what it cannot read either.
 * The capture time is read first, as the server reads it, since stripping removes it.
 */
export async function stripInBrowser(file: Blob): Promise<StrippedFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const inspected = await inspectImage(bytes);
  if (!inspected.ok) return { blob: file, facts: {} };
  const stripped = await stripMetadata(bytes, inspected.image.format);
  if (!stripped.ok) return { blob: file, facts: {} };
  const facts: Record<string, string> = { stripped_in_browser: stripped.removed.join(", ") };
  const taken = inspected.image.capturedAt;
  if (taken) {
    facts.taken_at = taken.local.toISOString().slice(0, 19);
    if (taken.offsetMinutes !== undefined) facts.taken_at_offset_minutes = String(taken.offsetMinutes);
  }
  // Nothing removed: the file itself, not a copy of it.
  const blob = stripped.removed.length > 0 ? new Blob([stripped.bytes as Uint8Array<ArrayBuffer>], { type: file.type }) : file;
  return { blob, facts };
}
