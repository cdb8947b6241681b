import { describe, expect, it } from "vitest";
import { app, newSignedInUser } from "../helpers";
import { sha256Hex, storedObjects, upload, uploadOk, type ImageBody } from "../image-helpers";
import {
  appendBytes, htmlDocument, makeAvif, makeGif, makeHeic, makeJpeg, makePng, makeWebp,
  pngHeaderClaiming, svgWithScript, truncate, zipBytes,
} from "../images";

const red: [number, number, number] = [220, 30, 30];

describe("POST /images/upload", () => {
  it("stores a PNG privately and answers 201 {message, file_url, image}", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(64, 48, red);
    const res = await upload(accessToken, { bytes, name: "holiday.png", type: "image/png" });
    expect(res.status).toBe(201);
    const body = await res.json<{ message: string; file_url: string; image: ImageBody }>();
    expect(body.message).toBe("Image uploaded");
    expect(body.image).toMatchObject({
      file_name: "holiday.png", content_type: "image/png", size: bytes.length, width: 64, height: 48,
      sha256: await sha256Hex(bytes),
    });
    expect(body.file_url).toBe(body.image.file_url);
    expect(new URL(body.file_url).searchParams.get("X-Amz-Expires")).toBe("900");

    const objects = await storedObjects(`users/${user.id}/`);
    expect(objects).toHaveLength(1);
    expect(objects[0].key).toMatch(new RegExp(`^users/${user.id}/[0-9a-f-]{36}\\.png$`));

    const file = await fetch(body.file_url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
  });

  it.each([
    ["JPEG", () => makeJpeg(40, 30, red), "image/jpeg", "jpg"],
    ["WebP", () => makeWebp(40, 30, "vp8x"), "image/webp", "webp"],
    ["GIF", () => makeGif(40, 30), "image/gif", "gif"],
    ["AVIF", () => makeAvif(40, 30), "image/avif", "avif"],
    ["HEIC", () => makeHeic(40, 30), "image/heic", "heic"],
  ])("accepts %s, typed by its bytes", async (_name, make, contentType, extension) => {
    const { user, accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await make(), name: "x.bin", type: "text/plain" });
    expect(image).toMatchObject({ content_type: contentType, width: 40, height: 30 });
    const [object] = await storedObjects(`users/${user.id}/`);
    expect(object.key.endsWith(`.${extension}`)).toBe(true);
  });

  it("types a mislabelled file by its content, not its name or header", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, red), name: "photo.jpg", type: "image/jpeg" });
    expect(image.content_type).toBe("image/png");
  });

  it.each([
    ["an SVG with script", () => svgWithScript(), 415, "unsupported_type"],
    ["HTML renamed .png", () => htmlDocument(), 415, "unsupported_type"],
    ["a ZIP", () => zipBytes(), 415, "unsupported_type"],
    ["an empty file", () => new Uint8Array(), 400, "empty_file"],
    ["a truncated PNG", async () => truncate(await makePng(32, 32, red), 60), 400, "truncated_file"],
    ["a PNG with HTML appended", async () => appendBytes(await makePng(8, 8, red), htmlDocument()), 400, "corrupt_file"],
    ["a pixel flood (PNG claiming 100000×100000)", () => pngHeaderClaiming(100_000, 100_000), 422, "image_too_large"],
    ["a PNG over 12000 px a side", () => pngHeaderClaiming(12_001, 10), 422, "image_too_large"],
  ])("rejects %s and stores nothing", async (_name, make, status, code) => {
    const { user, accessToken } = await newSignedInUser();
    const res = await upload(accessToken, { bytes: await make(), name: "evil.png", type: "image/png" });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code });
    expect(await storedObjects(`users/${user.id}/`)).toEqual([]);
    const list = await app("/images", { headers: { authorization: `Bearer ${accessToken}` } });
    expect((await list.json<{ images: unknown[] }>()).images).toEqual([]);
  });

  it("rejects a file over MAX_UPLOAD_BYTES with 413", async () => {
    const { accessToken } = await newSignedInUser();
    const res = await upload(accessToken, { bytes: new Uint8Array(10 * 1024 * 1024 + 1), name: "big.png" });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "file_too_large" });
  });

  it("rejects a request whose Content-Length exceeds the upload limit before reading it", async () => {
    const { accessToken } = await newSignedInUser();
    const res = await upload(accessToken, { bytes: new Uint8Array(31 * 1024 * 1024), name: "huge.png" });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "payload_too_large" });
  });

  it("keeps the file name for display only, without paths or control characters", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, red), name: "../../etc/\u0007pass\u202Ewd.png" });
    expect(image.file_name).toBe("passwd.png");
    const windows = await uploadOk(accessToken, { bytes: await makePng(8, 8, red), name: "C:\\Users\\me\\cat.png" });
    expect(windows.file_name).toBe("cat.png");
    const long = await uploadOk(accessToken, { bytes: await makePng(8, 8, red), name: `${"ä".repeat(300)}.png` });
    expect([...long.file_name]).toHaveLength(255);
    expect(long.file_name.endsWith(".png")).toBe(true);
  });

  it("returns the existing image (200, duplicate) for the same bytes and stores one copy", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(16, 16, red);
    const first = await uploadOk(accessToken, { bytes });
    const again = await upload(accessToken, { bytes, name: "again.png" });
    expect(again.status).toBe(200);
    const body = await again.json<{ duplicate: boolean; image: ImageBody }>();
    expect(body.duplicate).toBe(true);
    expect(body.image.id).toBe(first.id);
    expect(await storedObjects(`users/${user.id}/`)).toHaveLength(1);
  });

  it("stores concurrent uploads of the same bytes once", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(16, 16, red);
    const responses = await Promise.all([1, 2, 3].map(() => upload(accessToken, { bytes })));
    const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json<{ image: ImageBody }>()).image.id)));
    expect(ids.size).toBe(1);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(await storedObjects(`users/${user.id}/`)).toHaveLength(1);
  });

  it("accepts several image parts, each with its own result", async () => {
    const { user, accessToken } = await newSignedInUser();
    const res = await upload(accessToken, [
      { bytes: await makePng(8, 8, red), name: "a.png" },
      { bytes: svgWithScript(), name: "b.svg" },
      { bytes: await makeJpeg(8, 8, red), name: "c.jpg" },
    ]);
    expect(res.status).toBe(201);
    const body = await res.json<{ message: string; results: { file_name: string; status: number; error?: { code: string } }[] }>();
    expect(body.message).toBe("2 of 3 images stored");
    expect(body.results.map((r) => [r.file_name, r.status])).toEqual([["a.png", 201], ["b.svg", 415], ["c.jpg", 201]]);
    expect(body.results[1].error?.code).toBe("unsupported_type");
    expect(await storedObjects(`users/${user.id}/`)).toHaveLength(2);
  });

  it.each([
    ["no image field", async (token: string) => upload(token, { bytes: await makePng(8, 8, red) }, "file"), 400],
    ["a NUL in the file name", async (token: string) => upload(token, { bytes: await makePng(8, 8, red), name: "a\u0000b.png" }), 400],
    ["a JSON body", async (token: string) => app("/images/upload", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" }), 415],
    ["a broken multipart body", async (token: string) => app("/images/upload", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "multipart/form-data; boundary=xyz" }, body: "--xyz\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nabc" }), 400],
  ])("answers %s with a clear 4xx", async (_name, send, status) => {
    const { accessToken } = await newSignedInUser();
    const res = await send(accessToken);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it("needs a signed-in user", async () => {
    const res = await upload("not-a-token", { bytes: await makePng(8, 8, red) });
    expect(res.status).toBe(401);
  });
});
