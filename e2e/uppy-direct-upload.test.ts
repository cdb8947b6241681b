import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as pause } from "node:timers/promises";
import type { Page } from "playwright-core";
import { openPage, registerUser, signInThroughApi } from "./support/app";
import { redLandscape } from "./support/images";
import { largeCameraJpeg } from "./support/large-photo";
import { assertNoProblems } from "./support/page-checks";
import { openUppyPage } from "./support/uppy-page";

/** Uppy's part size: 5 MiB, S3's minimum, for any file under 50 GB. */
const partSize = 5 * 1024 * 1024;

test("Uppy's S3 plugin, unchanged, in Companion mode uploads a small PNG and a 17 MB camera JPEG in parts with no Authorization header, and both become images with thumbnails", async () => {
  // No per-test address header: the browser sends exactly what Uppy sends.
  const { page, baseUrl, problems, close } = await openPage({ width: 800, height: 600 }, "light", { ownAddress: false });
  const dir = await mkdtemp(join(tmpdir(), "eis-uppy-files-"));
  try {
    const user = await registerUser(baseUrl);
    const auth = { authorization: `Bearer ${await signInThroughApi(baseUrl, user)}` };
    const issued = await fetch(`${baseUrl}/uploads/capability`, { method: "POST", headers: auth });
    assert.equal(issued.status, 201, await issued.clone().text());
    const { endpoint } = (await issued.json()) as { endpoint: string };

    const small = redLandscape();
    const large = await largeCameraJpeg();
    assert.ok(large.buffer.length > 16e6 && large.buffer.length < 18e6, `a 17 MB JPEG, not ${large.buffer.length} bytes`);
    const paths = await Promise.all([small, large].map(async (file) => {
      const path = join(dir, file.name);
      await writeFile(path, file.buffer);
      return path;
    }));

    const requests = recordRequests(page);
    // Why a part failed (CORS, Local Network Access) is only told on the console.
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    await openUppyPage(page, baseUrl);
    await page.locator("#files").setInputFiles(paths);
    const outcome = await withDeadline(
      page.evaluate((companionEndpoint) => window.uploadWithUppy(companionEndpoint), `${baseUrl}${endpoint}`),
      180_000,
      "Uppy's complete event",
    );
    assert.deepEqual(outcome.failed, [], `Uppy reports no failed file; the console said: ${consoleErrors.join("\n")}`);
    assert.deepEqual(outcome.successful.map((file) => [file.name, file.size]).sort(), [[large.name, large.buffer.length], [small.name, small.buffer.length]].sort());

    const seen = await requests.settled();
    assert.deepEqual(seen.filter((r) => r.authorization).map((r) => `${r.method} ${r.url}`), [], "no request of the page carries an Authorization header");
    const companionCalls = seen.filter((r) => r.url.startsWith(baseUrl) && r.url.includes("/s3/"));
    assert.ok(companionCalls.length > 0 && companionCalls.every((r) => r.url.startsWith(`${baseUrl}${endpoint}/s3/multipart`)), `Uppy called only the capability's multipart routes: ${companionCalls.map((r) => r.url).join(", ")}`);
    for (const [file, expectedParts] of [[small, 1], [large, Math.ceil(large.buffer.length / partSize)]] as const) {
      const key = outcome.successful.find((f) => f.name === file.name)?.key ?? "";
      assert.match(key, /^incoming\//, "the server picked the key");
      const parts = seen.filter((r) => r.method === "PUT" && r.status === 200 && isPartOf(r.url, key)).map((r) => Number(new URL(r.url).searchParams.get("partNumber")));
      assert.deepEqual([...new Set(parts)].sort((a, b) => a - b), Array.from({ length: expectedParts }, (_, i) => i + 1), `${file.name} went up in ${expectedParts} part(s) straight to the bucket`);
    }
    assert.ok(Math.ceil(large.buffer.length / partSize) >= 3, "the large file needs several parts");

    // Uppy's `location` is the upload's status URL; the queue job turns each upload into an image.
    const imageIds = await Promise.all(outcome.successful.map((file) =>
      eventually(`${file.name} processed`, async () => {
        const res = await fetch(new URL(file.uploadURL ?? "", baseUrl), { headers: auth });
        const upload = (await res.json()) as { status: string; image_id: string | null; error: string | null };
        if (upload.status === "failed") throw new Error(`${file.name} failed: ${JSON.stringify(upload)}`);
        return { value: upload.status === "done" ? (upload.image_id ?? undefined) : undefined, seen: upload };
      }),
    ));
    const images = await eventually("both images listed with renditions", async () => {
      const res = await fetch(`${baseUrl}/images?limit=10`, { headers: auth });
      const listed = ((await res.json()) as { images: ListedImage[] }).images.filter((image) => imageIds.includes(image.id));
      if (listed.some((image) => image.renditions_status === "failed" || image.renditions_status === "unsupported")) {
        throw new Error(`renditions did not come: ${JSON.stringify(listed)}`);
      }
      const ready = listed.length === 2 && listed.every((image) => image.renditions_status === "done" && image.thumb_url);
      return { value: ready ? listed : undefined, seen: listed.map(({ file_name, renditions_status }) => ({ file_name, renditions_status })) };
    });
    const photo = images.find((image) => image.file_name === large.name);
    assert.deepEqual(photo && [photo.width, photo.height], [6000, 4000]);
    assert.ok(images.some((image) => image.file_name === small.name));
    const thumb = await fetch(photo?.thumb_url ?? "");
    assert.deepEqual([thumb.status, thumb.headers.get("content-type")], [200, "image/webp"], "the photo's thumbnail can be fetched");
    assertNoProblems(problems);
  } finally {
    await close();
    await rm(dir, { recursive: true, force: true });
  }
});

interface ListedImage {
  id: string;
  file_name: string;
  width: number;
  height: number;
  renditions_status: string;
  thumb_url: string | null;
}

interface SeenRequest {
  method: string;
  url: string;
  authorization: boolean;
  status: number | "failed";
}

/** Every request the page makes, with whether it carried an Authorization header and how it ended. */
function recordRequests(page: Page) {
  const pending: Promise<SeenRequest>[] = [];
  page.on("request", (request) => {
    pending.push(
      (async () => {
        const headers = await request.allHeaders();
        const response = await request.response().catch(() => null);
        return { method: request.method(), url: request.url(), authorization: "authorization" in headers, status: response?.status() ?? "failed" };
      })(),
    );
  });
  return { settled: () => Promise.all(pending) };
}

/** A part PUT (UploadPart) to the bucket for this object key. */
function isPartOf(url: string, key: string) {
  const parsed = new URL(url);
  return parsed.searchParams.has("partNumber") && parsed.searchParams.has("uploadId") && decodeURIComponent(parsed.pathname).endsWith(`/${key}`);
}

/** Polls `check` until it yields a value; fails after the deadline with the last thing it saw. A throw from `check` fails at once. */
async function eventually<T>(what: string, check: () => Promise<{ value: T | undefined; seen: unknown }>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { value, seen } = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(seen)}`);
    await pause(250);
  }
}

async function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not come within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
