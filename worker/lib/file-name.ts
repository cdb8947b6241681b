import { toWellFormed } from "./text";

const maxCodePoints = 255;

/**
 * The client's file name, for display only: no directories, no control or bidi
 * characters, NFC, at most 255 characters with the extension kept when cut.
 */
export function sanitizeFileName(raw: string | undefined, fallbackExtension: string): string {
  const base = (raw ?? "").split(/[/\\]/).pop() ?? "";
  const cleaned = toWellFormed(base)
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "");
  if (!cleaned) return `image.${fallbackExtension}`;
  const chars = [...cleaned];
  if (chars.length <= maxCodePoints) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 ? [...cleaned.slice(dot)] : [];
  if (extension.length > 16) return chars.slice(0, maxCodePoints).join("");
  return chars.slice(0, maxCodePoints - extension.length).join("") + extension.join("");
}
