import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { DOMParser, Node } from "@xmldom/xmldom";
import { describe, expect, inject, it } from "vitest";
import { bucket, endpoint, loggedRequests, newPrefix } from "./s3-test-client";

// The SDK's browser build, which workerd loads, parses XML with the DOM's DOMParser; workerd has none
// (aws/aws-sdk-js-v3#7375), so the test lends it xmldom's.
Object.assign(globalThis, { DOMParser, Node });

const MiB = 1024 * 1024;

const sdkClient = (secretAccessKey = inject("s3SecretAccessKey")) =>
  new S3Client({
    endpoint,
    region: inject("s3Region"),
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: inject("s3AccessKeyId"), secretAccessKey },
  });
const s3 = sdkClient();

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3ServiceException);
  return error as S3ServiceException;
}

describe("S3 gate with the official AWS SDK", () => {
  it("uploads 12 MiB in 5 MiB parts with lib-storage's Upload, signed, and reads the same bytes back", async () => {
    const Key = `${newPrefix()}/camera.jpg`;
    // A period of 251 bytes never lines up with a part boundary: a part out of place changes the digest.
    const body = new Uint8Array(12 * MiB).map((_, i) => i % 251);
    const upload = new Upload({ client: s3, params: { Bucket: bucket, Key, Body: body, ContentType: "image/jpeg" }, partSize: 5 * MiB, queueSize: 2 });
    const done = await upload.done();
    expect(done.Key).toBe(Key);

    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    expect(got.ContentType).toBe("image/jpeg");
    const stored = await got.Body!.transformToByteArray();
    expect(stored.length).toBe(12 * MiB);
    expect(await sha256Hex(stored)).toBe(await sha256Hex(body));
    const operations = (await loggedRequests(Key)).map((r) => r.operation);
    expect(operations.filter((op) => op === "UploadPart")).toHaveLength(3);
    expect(operations).toContain("CompleteMultipartUpload");
  });

  it("lists the parts of an upload in progress with ListPartsCommand, then aborts it", async () => {
    const Key = `${newPrefix()}/camera.jpg`;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const sent = [
      await s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: new Uint8Array(5 * MiB).fill(1) })),
      await s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 2, Body: new Uint8Array(1000).fill(2) })),
    ];

    const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId }));
    expect(listed.IsTruncated).toBe(false);
    expect(listed.Parts?.map(({ PartNumber, Size, ETag }) => ({ PartNumber, Size, ETag }))).toEqual([
      { PartNumber: 1, Size: 5 * MiB, ETag: sent[0]!.ETag },
      { PartNumber: 2, Size: 1000, ETag: sent[1]!.ETag },
    ]);
    expect(listed.Parts?.[0]?.LastModified).toBeInstanceOf(Date);
    const paged = await s3.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId, MaxParts: 1 }));
    expect([paged.IsTruncated, paged.NextPartNumberMarker, paged.Parts?.length]).toEqual([true, "1", 1]);

    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
    const gone = await failure(s3.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId })));
    expect([gone.name, gone.$metadata.httpStatusCode]).toEqual(["NoSuchUpload", 404]);
    const late = await failure(s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 3, Body: "late" })));
    expect([late.name, late.$metadata.httpStatusCode]).toEqual(["NoSuchUpload", 404]);
  });

  it("refuses a client with the wrong secret with 403 SignatureDoesNotMatch", async () => {
    const Key = `${newPrefix()}/camera.jpg`;
    const intruder = sdkClient("not-the-secret");
    const created = await failure(intruder.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key })));
    expect([created.name, created.$metadata.httpStatusCode]).toEqual(["SignatureDoesNotMatch", 403]);

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const listed = await failure(intruder.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId })));
    expect([listed.name, listed.$metadata.httpStatusCode]).toEqual(["SignatureDoesNotMatch", 403]);
    const upload = new Upload({ client: intruder, params: { Bucket: bucket, Key, Body: new Uint8Array(6 * MiB) }, partSize: 5 * MiB });
    expect((await failure(upload.done())).$metadata.httpStatusCode).toBe(403);
  });
});
