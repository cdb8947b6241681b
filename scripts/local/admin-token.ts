import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * The stand-ins listen on 127.0.0.1, which every web page the developer opens can reach.
 * Their /__admin/* routes therefore require the run's random token in this header: a page
 * cannot send it cross-origin without a CORS preflight, and the stand-ins approve none.
 */
export const adminTokenHeader = "x-admin-token";

export const newAdminToken = () => randomBytes(32).toString("base64url");

export function hasAdminToken(req: IncomingMessage, token: string): boolean {
  const sent = req.headers[adminTokenHeader];
  if (typeof sent !== "string") return false;
  const [a, b] = [Buffer.from(sent), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}
