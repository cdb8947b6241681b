import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { signInThroughForm } from "../../e2e/support/sign-in";
import { bigPng } from "../big-png";
import { launchChromium, waitForBatchUploaded } from "../browser";
import { createUser, keepFromAi } from "../client";
import type { BenchContext } from "../context";
import { type PartTraffic, startUplinkProxy } from "../uplink-proxy";
import { mib } from "../plan";
import { listAll } from "../pipeline";
import type { Figure } from "../report";
import { waitForPipeline } from "../sql";
import { partBytes } from "../upload-protocol";

async function until(check: () => boolean, what: string, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`D5: ${what} not within ${timeoutMs / 1000} s`);
    await sleep(10);
  }
}

/**
 * D5: a big file (60 MB in the full run: a PNG of random pixels, with no metadata for the browser to
 * strip) sent by the SPA's uploader in Chromium over a 50 Mbit/s uplink (a pacing proxy,
 * bench/uplink-proxy.ts), its page closed once half the file has left the browser, then the app
 * opened again in a new page of the same profile: the uploader finds the batch in IndexedDB, asks
 * which parts arrived and sends the rest. Sent again: every part body byte the proxy took from the
 * browser, less the file's size. The image made of it is checked against the file.
 */
export async function measureDirectResume(ctx: BenchContext): Promise<Figure> {
  const file = await bigPng(ctx.plan.direct.resumeBytes);
  const dir = await mkdtemp(join(tmpdir(), "bench-resume-"));
  const path = join(dir, file.name);
  await writeFile(path, Buffer.concat(file.parts));
  ctx.log(`D5 a ${(file.size / 1e6).toFixed(0)} MB file through the SPA in Chromium at 50 Mbit/s, its page closed at half, then opened again`);
  const user = await createUser(ctx.workerUrl);
  await keepFromAi(ctx.workerUrl, user.token);
  await waitForPipeline(ctx.sql);
  const proxy = await startUplinkProxy();
  const browser = await launchChromium({ proxyUrl: proxy.url });
  let cutAt: number;
  let firstSession: Map<string, PartTraffic>;
  let listings = 0;
  try {
    const context = await browser.newContext({ baseURL: ctx.workerUrl, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInThroughForm(page, user);
    await page.locator("#upload-input").setInputFiles(path);
    await until(() => proxy.partBytes() >= file.size / 2, "half the file sent", 300_000);
    await page.close();
    // What was already on its way from the closed page still arrives, then its connections close.
    await sleep(500);
    cutAt = proxy.partBytes();
    firstSession = new Map([...proxy.parts].map(([part, traffic]) => [part, { ...traffic }]));

    const reopened = await context.newPage();
    reopened.on("request", (request) => request.method() === "GET" && /\/uploads\/s3\/multipart\/[^/]+\?key=/.test(request.url()) && listings++);
    await reopened.goto("/");
    await waitForBatchUploaded(reopened);
  } finally {
    await browser.close();
    await proxy.close();
    await rm(dir, { recursive: true, force: true });
  }
  const image = (await listAll(ctx.workerUrl, user.token)).images.at(0);
  await waitForPipeline(ctx.sql);

  const sentAgain = proxy.partBytes() - file.size;
  const cutMidway = [...firstSession.entries()].filter(([, traffic]) => traffic.acknowledged === 0);
  const wholeTwice = [...firstSession.entries()].filter(([part, traffic]) => traffic.acknowledged > 0 && (proxy.parts.get(part)?.puts ?? 0) > traffic.puts);
  const check = !image ? "no image was made of it" : image.sha256 === file.sha256 ? "became an image byte for byte the file (SHA-256)" : "became an image whose SHA-256 is not the file's";
  ctx.log(`D5: ${(sentAgain / mib).toFixed(2)} MiB sent again; the upload ${check}`);
  return {
    id: "D5",
    name: `a ${(file.size / 1e6).toFixed(0)} MB file through the SPA, its page closed at half and opened again: bytes sent again`,
    value: sentAgain / mib,
    unit: "MiB",
    target: { op: "<=", value: partBytes / mib },
    ...(image?.sha256 === file.sha256 ? {} : { failed: `the upload ${check}` }),
    detail:
      `Chromium through a proxy pacing at 50 Mbit/s and counting what it takes: the page was closed once half had left, ${(cutAt / 1e6).toFixed(1)} MB by the time its connections closed ` +
      `(${[...firstSession.values()].filter((t) => t.acknowledged > 0).length} of ${file.parts.length} parts acknowledged, ` +
      `${cutMidway.length} cut mid-way after ${(cutMidway.reduce((sum, [, t]) => sum + t.bytes, 0) / mib).toFixed(2)} MiB of them); ` +
      `the page opened again listed the parts ${listings} time${listings === 1 ? "" : "s"}, sent ${wholeTwice.length} acknowledged part${wholeTwice.length === 1 ? "" : "s"} again, and the upload ${check}`,
  };
}
