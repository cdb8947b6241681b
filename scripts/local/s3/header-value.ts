import type { IncomingHttpHeaders } from "node:http";

/** One header as a single string; Node keeps repeated headers of some names as arrays. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
