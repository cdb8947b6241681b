import { sha256 } from "./sha256";

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => entities[ch]);

/** CSP source for an inline <style> block: its hash, so no 'unsafe-inline' is needed. */
export function styleHashSource(css: string) {
  const digest = sha256(new TextEncoder().encode(css));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}
