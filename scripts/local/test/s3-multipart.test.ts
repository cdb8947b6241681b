import { describe, expect, it } from "vitest";
import { bucket, client, createUpload, endpoint, errorCode, loggedRequests, newPrefix, objectUrl, partUrl, presign, s3, storedKeys } from "./s3-test-client";

// The gate's multipart API as R2 serves it (scripts/local/s3/handle-multipart.ts), spoken raw with aws4fetch.
const MiB = 1024 * 1024;
const part = (size: number, fill: number) => new Uint8Array(size).fill(fill);

/** Uploads one part and returns its ETag. */
async function uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string> {
  const res = await s3.fetch(partUrl(key, uploadId, partNumber), { method: "PUT", body });
  expect(res.status).toBe(200);
  return res.headers.get("etag")!;
}

function complete(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]) {
  const xml = `<CompleteMultipartUpload>${parts
    .map(({ partNumber, etag }) => `<Part><PartNumber>${partNumber}</PartNumber><ETag>${etag.replaceAll('"', "&quot;")}</ETag></Part>`)
    .join("")}</CompleteMultipartUpload>`;
  return s3.fetch(`${objectUrl(key)}?uploadId=${encodeURIComponent(uploadId)}`, { method: "POST", body: xml });
}

const listParts = (key: string, uploadId: string, query = "") => s3.fetch(`${objectUrl(key)}?uploadId=${encodeURIComponent(uploadId)}${query}`);

function readParts(xml: string) {
  return [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, inner = ""]) => ({
    partNumber: Number(/<PartNumber>(\d+)</.exec(inner)?.[1]),
    etag: /<ETag>([^<]*)</.exec(inner)?.[1]?.replaceAll("&quot;", '"'),
    size: Number(/<Size>(\d+)</.exec(inner)?.[1]),
    lastModified: /<LastModified>([^<]*)</.exec(inner)?.[1],
  }));
}

/** Uploads parts of these sizes (part n filled with byte n) and returns what Complete needs. */
async function uploadParts(key: string, uploadId: string, sizes: number[]) {
  return Promise.all(sizes.map(async (size, i) => ({ partNumber: i + 1, etag: await uploadPart(key, uploadId, i + 1, part(size, i + 1)) })));
}

describe("S3 gate: multipart uploads", () => {
  it("lists the parts that arrived with sizes and ETags, paged by max-parts and part-number-marker", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const uploadId = await createUpload(key);
    const etags = [await uploadPart(key, uploadId, 3, part(100, 3)), await uploadPart(key, uploadId, 1, part(5 * MiB, 1))];

    const res = await listParts(key, uploadId);
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain("<ListPartsResult");
    expect(xml).toContain("<IsTruncated>false</IsTruncated>");
    const parts = readParts(xml);
    expect(parts).toEqual([
      { partNumber: 1, etag: etags[1], size: 5 * MiB, lastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      { partNumber: 3, etag: etags[0], size: 100, lastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    ]);

    const first = await (await listParts(key, uploadId, "&max-parts=1")).text();
    expect(readParts(first).map((p) => p.partNumber)).toEqual([1]);
    expect(first).toContain("<IsTruncated>true</IsTruncated>");
    expect(first).toContain("<NextPartNumberMarker>1</NextPartNumberMarker>");
    const rest = await (await listParts(key, uploadId, "&part-number-marker=1")).text();
    expect(readParts(rest).map((p) => p.partNumber)).toEqual([3]);
  });

  it("completes equal parts with a smaller last one into their concatenation, after which the upload is gone", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const uploadId = await createUpload(key);
    const res = await complete(key, uploadId, await uploadParts(key, uploadId, [5 * MiB, 5 * MiB, 1000]));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<CompleteMultipartUploadResult");

    const object = new Uint8Array(await (await s3.fetch(objectUrl(key))).arrayBuffer());
    expect(object.length).toBe(10 * MiB + 1000);
    expect([object[0], object[5 * MiB - 1], object[5 * MiB], object[10 * MiB]]).toEqual([1, 1, 2, 3]);
    const after = await listParts(key, uploadId);
    expect(after.status).toBe(404);
    expect(await errorCode(after)).toBe("NoSuchUpload");
  });

  it.each([
    ["a part under 5 MiB that is not the last", "EntityTooSmall", [1000, 1000]],
    ["non-trailing parts of different sizes", "InvalidPart", [5 * MiB, 5 * MiB + 1, 10]],
    ["a last part larger than the others", "InvalidPart", [5 * MiB, 5 * MiB + 1]],
  ] as const)("refuses %s with 400 %s and stores nothing", async (_, code, sizes) => {
    const key = `${newPrefix()}/photo.jpg`;
    const uploadId = await createUpload(key);
    const res = await complete(key, uploadId, await uploadParts(key, uploadId, [...sizes]));
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe(code);
    expect(await storedKeys(key)).toEqual([]);
    expect((await listParts(key, uploadId)).status).toBe(200);
  });

  it("refuses an ETag that is not the part's, or a part never uploaded, with 400 InvalidPart", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const uploadId = await createUpload(key);
    const [only] = await uploadParts(key, uploadId, [10]);
    for (const parts of [[{ ...only!, etag: '"0123456789abcdef0123456789abcdef"' }], [only!, { partNumber: 2, etag: only!.etag }]]) {
      const res = await complete(key, uploadId, parts);
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe("InvalidPart");
    }
  });

  it("refuses parts listed out of order or twice with 400 InvalidPartOrder", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const uploadId = await createUpload(key);
    const [first, second] = await uploadParts(key, uploadId, [10, 10]);
    for (const parts of [[second!, first!], [first!, first!]]) {
      const res = await complete(key, uploadId, parts);
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe("InvalidPartOrder");
    }
  });

  it("aborts an upload with 204; its parts are gone and UploadPart, ListParts or Complete for it are 404 NoSuchUpload", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const uploadId = await createUpload(key);
    const parts = await uploadParts(key, uploadId, [10]);
    expect((await s3.fetch(`${objectUrl(key)}?uploadId=${uploadId}`, { method: "DELETE" })).status).toBe(204);

    for (const res of [
      await s3.fetch(partUrl(key, uploadId, 2), { method: "PUT", body: "late" }),
      await listParts(key, uploadId),
      await complete(key, uploadId, parts),
      await s3.fetch(`${objectUrl(key)}?uploadId=${uploadId}`, { method: "DELETE" }),
    ]) {
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe("NoSuchUpload");
    }
    expect(await storedKeys(key)).toEqual([]);
  });

  it("answers 404 NoSuchUpload for an upload id never created or named under another key", async () => {
    const prefix = newPrefix();
    const uploadId = await createUpload(`${prefix}/mine.jpg`);
    for (const url of [partUrl(`${prefix}/mine.jpg`, "0".repeat(32), 1), partUrl(`${prefix}/other.jpg`, uploadId, 1), partUrl(`${prefix}/mine.jpg`, "../../x", 1)]) {
      const res = await s3.fetch(url, { method: "PUT", body: "part" });
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe("NoSuchUpload");
    }
  });

  it("refuses a part number outside 1 to 10,000 with 400 InvalidArgument", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const uploadId = await createUpload(key);
    for (const partNumber of ["0", "10001", "1.5", ""]) {
      const res = await s3.fetch(partUrl(key, uploadId, partNumber), { method: "PUT", body: "part" });
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe("InvalidArgument");
    }
  });

  it("lists uploads in progress under a prefix, paged by max-uploads and key-marker", async () => {
    const prefix = newPrefix();
    const ids = [await createUpload(`${prefix}/a.jpg`), await createUpload(`${prefix}/b.jpg`)];
    const list = (query: string) => s3.fetch(`${endpoint}/${bucket}?uploads&prefix=${encodeURIComponent(`${prefix}/`)}${query}`);
    const uploadIds = async (res: Response) => [...(await res.text()).matchAll(/<UploadId>([^<]+)</g)].map((m) => m[1]);

    expect(await uploadIds(await list(""))).toEqual(ids);
    const first = await list("&max-uploads=1");
    const firstXml = await first.clone().text();
    expect(await uploadIds(first)).toEqual([ids[0]]);
    expect(firstXml).toContain("<IsTruncated>true</IsTruncated>");
    expect(firstXml).toContain(`<NextKeyMarker>${prefix}/a.jpg</NextKeyMarker>`);
    expect(await uploadIds(await list(`&key-marker=${encodeURIComponent(`${prefix}/a.jpg`)}`))).toEqual([ids[1]]);
  });

  it("verifies SigV4 on every multipart request: a wrong secret is 403 SignatureDoesNotMatch", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const uploadId = await createUpload(key);
    const [only] = await uploadParts(key, uploadId, [10]);
    const intruder = client({ secretAccessKey: "not-the-secret" });
    for (const [url, method] of [
      [`${objectUrl(key)}?uploads`, "POST"],
      [partUrl(key, uploadId, 2), "PUT"],
      [`${objectUrl(key)}?uploadId=${uploadId}`, "GET"],
      [`${objectUrl(key)}?uploadId=${uploadId}`, "DELETE"],
      [`${endpoint}/${bucket}?uploads`, "GET"],
    ] as const) {
      const res = await intruder.fetch(url, { method, body: method === "PUT" ? "part" : undefined });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(await errorCode(res)).toBe("SignatureDoesNotMatch");
    }
    expect(readParts(await (await listParts(key, uploadId)).text())).toEqual([expect.objectContaining({ partNumber: 1, etag: only!.etag })]);
  });

  it("takes a part through a presigned URL and refuses one whose partNumber or uploadId was changed with 403", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const [uploadId, otherId] = [await createUpload(key), await createUpload(key)];
    const url = await presign(key, { method: "PUT", query: { partNumber: "1", uploadId } });

    for (const [name, value] of [
      ["partNumber", "2"],
      ["uploadId", otherId],
    ]) {
      const tampered = new URL(url);
      tampered.searchParams.set(name!, value!);
      const res = await fetch(tampered, { method: "PUT", body: "part" });
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe("SignatureDoesNotMatch");
    }
    expect((await fetch(url, { method: "PUT", body: "part" })).status).toBe(200);
    expect(readParts(await (await listParts(key, uploadId)).text()).map((p) => p.partNumber)).toEqual([1]);
    expect(readParts(await (await listParts(key, otherId)).text())).toEqual([]);
  });

  it("records multipart requests in the request log with their operation", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const uploadId = await createUpload(key);
    await uploadParts(key, uploadId, [10]);
    await listParts(key, uploadId);
    await s3.fetch(`${objectUrl(key)}?uploadId=${uploadId}`, { method: "DELETE" });
    expect((await loggedRequests(key)).map(({ method, operation, status }) => [method, operation, status])).toEqual([
      ["POST", "CreateMultipartUpload", 200],
      ["PUT", "UploadPart", 200],
      ["GET", "ListParts", 200],
      ["DELETE", "AbortMultipartUpload", 204],
    ]);
  });
});
