import { base64Url } from "../lib/base64url";
import { equalInConstantTime, keyedHash } from "../lib/keyed-hash";

const ticketPattern = /^(\d{1,12})\.(\d{1,9})\.([\w-]{43})$/;

export const isShareToken = (token: string) => /^[\w-]{43}$/.test(token);

/**
 * A link's token, derived from its id under the server's secret: the database keeps only the
 * token's hash (a copy of the table opens no link), yet the owner can copy an open link again
 * later. After a rotation of the secret, older links still open (their hash is stored) but can no
 * longer be shown; `shareUrl` then answers nothing.
 */
export const shareToken = (secret: string, shareId: string) => base64Url(keyedHash(secret, "share-link", shareId));

const ticketMac = (secret: string, shareId: string, view: number, expiresAt: number) =>
  base64Url(keyedHash(secret, "share-image", shareId, String(view), String(expiresAt)));

/** `<expiry>.<view>.<mac>`: this share's view number `view` may load its pictures for `seconds`. */
export function issueTicket(secret: string, shareId: string, view: number, seconds: number, now = Date.now()) {
  const expiresAt = Math.floor(now / 1000) + seconds;
  return `${expiresAt}.${view}.${ticketMac(secret, shareId, view, expiresAt)}`;
}

/** The ticket's parts if it is well formed and not yet expired; the MAC is checked by `isTicketFor` once the share is known. */
export function readTicket(ticket: string) {
  const parts = ticketPattern.exec(ticket);
  if (!parts) return undefined;
  const [expiresAt, view] = [Number(parts[1]), Number(parts[2])];
  if (expiresAt * 1000 <= Date.now()) return undefined;
  return { expiresAt, view, mac: parts[3] };
}

/** The ticket was issued for this share's view, which the share has already counted. */
export function isTicketFor(secret: string, ticket: NonNullable<ReturnType<typeof readTicket>>, share: { id: string; views: number }) {
  return ticket.view <= share.views && equalInConstantTime(ticket.mac, ticketMac(secret, share.id, ticket.view, ticket.expiresAt));
}
