/** The local stand-ins' admin APIs, for slowing one dependency down on purpose. */

async function admin(url: string, method: "POST" | "DELETE" | "GET", body?: object) {
  const res = await fetch(url, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
  return res.status === 204 ? undefined : ((await res.json()) as unknown);
}

/** The Gemini stand-in's delay before every answer; 0 clears it. */
export const setGeminiLatency = (geminiUrl: string, ms: number) =>
  ms ? admin(`${geminiUrl}/__admin/faults`, "POST", { persistent: { type: "latency", ms } }) : admin(`${geminiUrl}/__admin/faults`, "DELETE");

/** How many generateContent calls the Gemini stand-in has received so far. */
export const geminiRequestCount = async (geminiUrl: string) =>
  ((await admin(`${geminiUrl}/__admin/requests`, "GET")) as { requests: unknown[] }).requests.length;

/** Holds every PUT under `keyPrefix` for `ms` before the gate reads its body; 0 clears every S3 fault. */
export const setS3PutLatency = (s3Endpoint: string, keyPrefix: string, ms: number) =>
  ms
    ? admin(`${s3Endpoint}/__admin/faults`, "POST", { method: "PUT", keyPrefix, persistent: { type: "latency", ms } })
    : admin(`${s3Endpoint}/__admin/faults`, "DELETE");
