import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { app, bearer, newSignedInUser, type SignedIn } from "../helpers";
import { storedObjects, upload } from "../image-helpers";
import { makePng, truncate } from "../images";
import { ascii, concat } from "../bytes";
import { expectCleanAnswer, hostileString, naughtyStrings } from "./hostile";

interface Part {
  headers: string[];
  body: Uint8Array;
}

/** A multipart body byte by byte, so every header, boundary and terminator is under the test's control. */
function multipart(boundary: string, parts: Part[], opts: { close?: boolean } = {}): Uint8Array {
  const chunks = parts.flatMap((part) => [ascii(`--${boundary}\r\n${part.headers.join("\r\n")}\r\n\r\n`), part.body, ascii("\r\n")]);
  return concat([...chunks, ascii(opts.close === false ? "" : `--${boundary}--\r\n`)]);
}

const filePart = (name: string, fileName: string, body: Uint8Array, extra: string[] = []): Part => ({
  headers: [`Content-Disposition: form-data; name="${name}"; filename="${fileName}"`, "Content-Type: image/png", ...extra],
  body,
});
const textPart = (name: string, value: string): Part => ({ headers: [`Content-Disposition: form-data; name="${name}"`], body: ascii(value) });

const notAnImage = () => ascii("definitely not an image");

describe("multipart abuse on POST /images/upload", () => {
  let session: SignedIn;
  beforeAll(async () => {
    session = await newSignedInUser();
  });

  const send = (body: Uint8Array, contentType: string | undefined) =>
    app("/images/upload", { method: "POST", headers: { ...bearer(session.accessToken), ...(contentType ? { "content-type": contentType } : {}) }, body });

  async function expectRefusedAndNothingStored(res: Response, label: string) {
    const { status } = await expectCleanAnswer(res, label);
    expect(status, label).toBeGreaterThanOrEqual(400);
    expect(await storedObjects(`users/${session.user.id}/`)).toEqual([]);
  }

  it.each<[string, () => Promise<[Uint8Array, string | undefined]>]>([
    ["500 small image parts", async () => [multipart("b", Array.from({ length: 500 }, (_, i) => filePart("image", `${i}.png`, ascii(`${i}`)))), "multipart/form-data; boundary=b"]],
    ["500 small text parts and no image", async () => [multipart("b", Array.from({ length: 500 }, (_, i) => textPart(`field${i}`, "x"))), "multipart/form-data; boundary=b"]],
    ["a part header of 256 KiB", async () => [multipart("b", [filePart("image", "a.png", truncate(await makePng(8, 8, [1, 1, 1]), 40), [`X-Padding: ${"a".repeat(256 * 1024)}`])]), "multipart/form-data; boundary=b"]],
    ["a file name of 256 KiB on a broken image", async () => [multipart("b", [filePart("image", "n".repeat(256 * 1024), notAnImage())]), "multipart/form-data; boundary=b"]],
    ["no boundary parameter", async () => [multipart("b", [filePart("image", "a.png", await makePng(8, 8, [1, 1, 2]))]), "multipart/form-data"]],
    ["an empty boundary parameter", async () => [multipart("b", [filePart("image", "a.png", await makePng(8, 8, [1, 1, 3]))]), 'multipart/form-data; boundary=""']],
    ["a boundary that does not match the body", async () => [multipart("body-boundary", [filePart("image", "a.png", await makePng(8, 8, [1, 1, 4]))]), "multipart/form-data; boundary=header-boundary"]],
    ["a boundary of 5000 characters around a broken image", async () => { const b = "z".repeat(5000); return [multipart(b, [filePart("image", "a.png", notAnImage())]), `multipart/form-data; boundary=${b}`]; }],
    ["no closing boundary", async () => [multipart("b", [filePart("image", "a.png", await makePng(8, 8, [1, 1, 6]))], { close: false }), "multipart/form-data; boundary=b"]],
    ["an empty body", async () => [new Uint8Array(), "multipart/form-data; boundary=b"]],
    ["the image in a field named Image", async () => [multipart("b", [filePart("Image", "a.png", await makePng(8, 8, [1, 1, 7]))]), "multipart/form-data; boundary=b"]],
    ["the image in a field named image[]", async () => [multipart("b", [filePart("image[]", "a.png", await makePng(8, 8, [1, 1, 8]))]), "multipart/form-data; boundary=b"]],
    ["the image as a text field (no filename)", async () => [multipart("b", [textPart("image", "iVBORw0KGgo=")]), "multipart/form-data; boundary=b"]],
    ["a base64 Content-Transfer-Encoding", async () => [multipart("b", [filePart("image", "a.png", ascii(btoa(String.fromCharCode(...(await makePng(8, 8, [1, 1, 9]))))), ["Content-Transfer-Encoding: base64"])]), "multipart/form-data; boundary=b"]],
    ["a nested multipart/mixed part", async () => [multipart("b", [{ headers: ['Content-Disposition: form-data; name="image"', "Content-Type: multipart/mixed; boundary=c"], body: multipart("c", [filePart("image", "a.png", notAnImage())]) }]), "multipart/form-data; boundary=b"]],
    ["a path-traversal file name on a broken image", async () => [multipart("b", [filePart("image", "../../../etc/passwd", notAnImage())]), "multipart/form-data; boundary=b"]],
    ["control characters and CRLF in the file name of a broken image", async () => [multipart("b", [filePart("image", "a\u0001\u001b[31m\r\nContent-Type: text/html\r\n.png", notAnImage())]), "multipart/form-data; boundary=b"]],
    ["invalid UTF-8 in the file name of a broken image", async () => [concat([ascii('--b\r\nContent-Disposition: form-data; name="image"; filename="a'), new Uint8Array([0xff, 0xfe, 0xc0, 0x80]), ascii('.png"\r\n\r\n'), notAnImage(), ascii("\r\n--b--\r\n")]), "multipart/form-data; boundary=b"]],
    ["an RFC 5987 file name with encoded traversal on a broken image", async () => [multipart("b", [{ headers: ["Content-Disposition: form-data; name=\"image\"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd%00.png"], body: notAnImage() }]), "multipart/form-data; boundary=b"]],
    ["keep_metadata that is not true or false", async () => [multipart("b", [filePart("image", "a.png", await makePng(8, 8, [1, 2, 1])), textPart("keep_metadata", "yes please")]), "multipart/form-data; boundary=b"]],
    ["a multipart body labelled text/plain", async () => [multipart("b", [filePart("image", "a.png", await makePng(8, 8, [1, 2, 2]))]), "text/plain"]],
    ["no content type at all", async () => [multipart("b", [filePart("image", "a.png", await makePng(8, 8, [1, 2, 3]))]), undefined]],
  ])("refuses %s with a JSON 4xx and stores nothing", async (name, build) => {
    const [body, contentType] = await build();
    await expectRefusedAndNothingStored(await send(body, contentType), name);
  });

  const randomPart = fc.record({
    name: fc.oneof(fc.constant("image"), hostileString),
    fileName: fc.option(hostileString.map((s) => s.replace(/["\r\n]/g, "")), { nil: undefined }),
    extra: fc.array(fc.stringMatching(/^[A-Za-z-]{1,20}: [\x20-\x7e]{0,100}$/), { maxLength: 3 }),
    body: fc.oneof(fc.uint8Array({ maxLength: 256 }), hostileString.map(ascii)),
  });

  test.prop([fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,70}$/), fc.array(randomPart, { maxLength: 12 }), fc.boolean(), fc.boolean()], { numRuns: 40 })(
    "refuses any multipart body without a valid image with a JSON 4xx, storing nothing",
    async (boundary, parts, close, sameBoundary) => {
      const body = multipart(boundary, parts.map((p) => ({
        headers: [`Content-Disposition: form-data; name="${p.name.replace(/["\r\n]/g, "")}"${p.fileName === undefined ? "" : `; filename="${p.fileName}"`}`, ...p.extra],
        body: p.body,
      })), { close });
      const type = `multipart/form-data; boundary=${sameBoundary ? boundary : `${boundary}x`}`;
      await expectRefusedAndNothingStored(await send(body, type), `${parts.length} parts, boundary ${boundary}`);
    },
  );

  it("stores hostile-named images only under users/<id>/<uuid>.<ext>, with a cleaned display name", async () => {
    const { user, accessToken } = await newSignedInUser();
    const names = [...naughtyStrings.filter((s) => /[\\/\u0000-\u001f\u202e]|\.\./.test(s)).slice(0, 15), "../../etc/passwd", "..\\..\\boot.ini", "a\u0000b.png"].slice(0, 20);
    const forms = [names.slice(0, 10), names.slice(10)];
    let stored = 0;
    for (const batch of forms) {
      const parts = await Promise.all(batch.map(async (name, i) => ({ bytes: await makePng(4, 4, [i, 200, 100]), name: `${name.replace(/\u0000/g, "")}.png` })));
      const res = await upload(accessToken, parts);
      const { status, text } = await expectCleanAnswer(res, "hostile names");
      expect(status).toBe(201);
      const results = JSON.parse(text).results as { status: number; image?: { file_name: string } }[];
      for (const result of results) {
        expect(result.status).toBe(201);
        expect(result.image?.file_name).toMatch(/^[^/\\\u0000-\u001f\u007f\u202e]{1,255}$/u);
        expect(["", ".", ".."]).not.toContain(result.image?.file_name);
        stored++;
      }
    }
    const objects = await storedObjects(`users/${user.id}/`);
    expect(objects).toHaveLength(stored);
    for (const { key } of objects) expect(key).toMatch(new RegExp(`^users/${user.id}/[0-9a-f-]{36}\\.png$`));
  });

  /** A multipart body of `parts` files of `partBytes` each, pulled by the worker one 64 KiB chunk at a time; `pulled()`: how much it took in. */
  function pulledBody(boundary: string, parts: number, partBytes: number) {
    const chunk = new Uint8Array(64 * 1024).fill(7);
    const head = (i: number) => ascii(`${i ? "\r\n" : ""}--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${i}.png"\r\nContent-Type: image/png\r\n\r\n`);
    let pulled = 0;
    let part = 0;
    let inPart = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (inPart === 0) controller.enqueue(head(part));
          pulled += chunk.length;
          inPart += chunk.length;
          controller.enqueue(chunk);
          if (inPart < partBytes) return;
          inPart = 0;
          if (++part === parts) {
            controller.enqueue(ascii(`\r\n--${boundary}--\r\n`));
            controller.close();
          }
        },
      },
      { highWaterMark: 0 },
    );
    return { body, pulled: () => pulled };
  }

  const sendStreamed = (boundary: string, body: ReadableStream<Uint8Array>) =>
    app("/images/upload", {
      method: "POST",
      headers: { ...bearer(session.accessToken), "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: "half",
    } as RequestInit);

  const limit = 10 * 1024 * 1024;

  it("refuses a part three times the file limit with 413 file_too_large after reading little more than the limit", async () => {
    const { body, pulled } = pulledBody("one-huge-part", 1, 3 * limit);
    const res = await sendStreamed("one-huge-part", body);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "file_too_large" });
    expect(pulled()).toBeLessThan(limit + 2 * 1024 * 1024);
    expect(await storedObjects(`users/${session.user.id}/`)).toEqual([]);
  });

  it("refuses a body without Content-Length once it passes the request limit (413 payload_too_large), not after holding it", async () => {
    const { body, pulled } = pulledBody("many-parts", 5, limit - 1024 * 1024);
    const res = await sendStreamed("many-parts", body);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "payload_too_large" });
    expect(pulled()).toBeLessThan(3 * limit + 2 * 1024 * 1024);
    expect(await storedObjects(`users/${session.user.id}/`)).toEqual([]);
  });
});
