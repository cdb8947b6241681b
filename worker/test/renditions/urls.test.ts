import { env } from "cloudflare:workers";
import { AwsClient } from "aws4fetch";
import { describe, expect, it } from "vitest";
import type { Image } from "../../db/schema";
import { presignS3Get } from "../../lib/sigv4-presign";
import { bucketUrl, presignGet, presignStableGet, stableUrlWindowSeconds } from "../../services/object-store";
import { shareObjectFor } from "../../services/rendition-keys";
import { app, bearer, newSignedInUser, testDeps } from "../helpers";
import { type ImageBody, uploadOk } from "../image-helpers";
import { download, quadrantPng, renditionsReach } from "../rendition-helpers";

const windowMs = stableUrlWindowSeconds * 1000;
const windowStart = (t: number) => Math.floor(t / windowMs) * windowMs;

async function listing(token: string) {
  const res = await app("/images", { headers: bearer(token) });
  expect(res.status).toBe(200);
  return { at: Date.now(), images: (await res.json<{ images: ImageBody[] }>()).images };
}

describe("rendition URLs that caches can keep", () => {
  it("hands out the same thumb and display URLs on every listing within a window; each loads with a long, immutable Cache-Control", async () => {
    const { accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await quadrantPng(300, 200) });
    await renditionsReach(accessToken, uploaded.id, ["done"]);

    let [first, second] = [await listing(accessToken), await listing(accessToken)];
    // Two listings astride midnight UTC rightly differ: ask again, now both inside one window.
    if (windowStart(first.at) !== windowStart(second.at)) [first, second] = [second, await listing(accessToken)];
    const [a, b] = [first.images[0], second.images[0]];
    expect(a.thumb_url).toEqual(expect.stringContaining("X-Amz-Signature="));
    expect(b.thumb_url).toBe(a.thumb_url);
    expect(b.display_url).toBe(a.display_url);
    expect(new URL(b.file_url).searchParams.get("X-Amz-Expires")).toBe("900"); // the original keeps its short, fresh signature

    const params = new URL(a.thumb_url ?? "").searchParams;
    expect(params.get("X-Amz-Date")).toBe(new Date(windowStart(first.at)).toISOString().replace(/[:-]|\.\d{3}/g, ""));
    expect(Number(params.get("X-Amz-Expires"))).toBe(stableUrlWindowSeconds + 900);
    for (const url of [a.thumb_url, a.display_url]) {
      const cacheControl = (await download(url)).headers.get("cache-control") ?? "";
      expect(cacheControl).toMatch(/^private\b/);
      expect(cacheControl).toMatch(/\bimmutable\b/);
      expect(Number(/max-age=(\d+)/.exec(cacheControl)?.[1])).toBeGreaterThanOrEqual(86_400);
    }
  });

  it("keeps a URL for the whole window and leaves it at least FILE_URL_TTL to live; the next window signs anew", async () => {
    const deps = testDeps();
    const key = `renditions/users/${crypto.randomUUID()}/x.png.thumb.webp`;
    const start = windowStart(Date.now()) - windowMs;
    const [atStart, atEnd, next] = await Promise.all([
      presignStableGet(deps, key, start),
      presignStableGet(deps, key, start + windowMs - 1),
      presignStableGet(deps, key, start + windowMs),
    ]);
    expect(atEnd).toBe(atStart);
    expect(next).not.toBe(atStart);
    const params = new URL(atEnd).searchParams;
    const expiresAt = Date.parse(params.get("X-Amz-Date")?.replace(/(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/, "$1-$2-$3T$4:$5:$6Z") ?? "") + Number(params.get("X-Amz-Expires")) * 1000;
    expect(expiresAt - (start + windowMs - 1)).toBeGreaterThanOrEqual(deps.config.FILE_URL_TTL * 1000);
  });

  it("signs byte for byte as aws4fetch does without the isolate's key cache, and as AWS's documented example", async () => {
    const deps = testDeps();
    const key = `users/${crypto.randomUUID()}/a photo (1).jpg`;
    const now = Date.now();
    const fresh = new AwsClient({ accessKeyId: deps.config.AWS_ACCESS_KEY_ID, secretAccessKey: deps.config.AWS_SECRET_ACCESS_KEY, region: deps.config.S3_REGION, service: "s3" });
    const expected = async (signedAt: number, expires: number) => {
      const url = new URL(`${bucketUrl(deps.config)}/${key.split("/").map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join("/")}`);
      url.searchParams.set("X-Amz-Expires", String(expires));
      const datetime = new Date(signedAt).toISOString().replace(/[:-]|\.\d{3}/g, "");
      return (await fresh.sign(url.toString(), { method: "GET", aws: { signQuery: true, datetime } })).url;
    };
    expect(await presignStableGet(deps, key, now)).toBe(await expected(windowStart(now), stableUrlWindowSeconds + deps.config.FILE_URL_TTL));
    expect((await presignGet(deps, key, now)).url).toBe(await expected(now, deps.config.FILE_URL_TTL));
    expect((await fetch(await presignStableGet(deps, key, now))).status).toBe(404); // the gate verified the signature; there is no such object

    // docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html: the documented example's signature.
    const documented = await presignS3Get({
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      region: "us-east-1",
      url: "https://examplebucket.s3.amazonaws.com/test.txt",
      datetime: "20130524T000000Z",
      expiresInSeconds: 86400,
    });
    expect(new URL(documented).searchParams.get("X-Amz-Signature")).toBe("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    const example = new AwsClient({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1", service: "s3" });
    const signed = await example.sign("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Expires=86400", { method: "GET", aws: { signQuery: true, datetime: "20130524T000000Z" } });
    expect(documented).toBe(signed.url);
  });

  it.each([
    ["a plain key", "users/u/i.png"],
    ["spaces, parentheses, quotes and stars", "users/u/a photo (1) 'x' *.jpg"],
    ["unicode and percent signs", "users/u/fotó 100% ✓.heic"],
    ["plus signs and tildes", "users/u/a+b~c.png"],
  ])("presigns %s byte for byte as aws4fetch does, on a path-style endpoint with a port and on AWS's own host", async (_name, key) => {
    for (const endpoint of ["http://127.0.0.1:9000/images", "https://bucket.s3.eu-west-1.amazonaws.com"]) {
      const url = `${endpoint}/${key.split("/").map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join("/")}`;
      const credentials = { accessKeyId: "AKID+/=example", secretAccessKey: "secret/with+odd=chars", region: "eu-west-1" };
      const client = new AwsClient({ ...credentials, service: "s3" });
      const reference = await client.sign(`${url}?X-Amz-Expires=900`, { method: "GET", aws: { signQuery: true, datetime: "20261130T123456Z" } });
      expect(await presignS3Get({ ...credentials, url, datetime: "20261130T123456Z", expiresInSeconds: 900 })).toBe(reference.url);
    }
  });

  it("request signing (aws4fetch) reuses one signing key per isolate instead of deriving it for every request", async () => {
    const [a, b] = [testDeps(), testDeps(env)];
    expect(a.s3).not.toBe(b.s3);
    await a.s3.sign(`${bucketUrl(a.config)}/users/${crypto.randomUUID()}/k.png`, { method: "HEAD" });
    expect(b.s3.cache).toBe(a.s3.cache);
    expect(a.s3.cache.size).toBeGreaterThan(0);
  });

  it("a share serves the display rendition once made, the original until then, never an original that kept its metadata", () => {
    const image = {
      key: "users/u/i.heic", contentType: "image/heic", width: 3024, height: 4032, metadataStatus: "removed" as const,
      renditionsStatus: "pending", displayKey: null, displayWidth: null, displayHeight: null,
    } satisfies Parameters<typeof shareObjectFor>[0];
    expect(shareObjectFor({ ...image, metadataStatus: "kept" })).toBeUndefined();
    expect(shareObjectFor(image)).toEqual({ key: "users/u/i.heic", contentType: "image/heic", width: 3024, height: 4032 });
    const done: Pick<Image, "renditionsStatus" | "displayKey" | "displayWidth" | "displayHeight"> = {
      renditionsStatus: "done", displayKey: "renditions/users/u/i.heic.display.webp", displayWidth: 1536, displayHeight: 2048,
    };
    expect(shareObjectFor({ ...image, ...done })).toEqual({ key: "renditions/users/u/i.heic.display.webp", contentType: "image/webp", width: 1536, height: 2048 });
    expect(shareObjectFor({ ...image, renditionsStatus: "unsupported" })?.key).toBe("users/u/i.heic");
    expect(shareObjectFor({ ...image, ...done, metadataStatus: "kept" })?.key).toBe("renditions/users/u/i.heic.display.webp");
  });
});
