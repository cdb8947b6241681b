import { describe, expect, it } from "vitest";
import { app, bearer, json, newSignedInUser } from "../helpers";
import { getImage, sha256Hex, type ImageBody } from "../image-helpers";
import { exifTiff, makeJpegWithMetadata, makePngWithMetadata, makeWebpWithMetadata, planted } from "../images";

const text = (bytes: Uint8Array) => new TextDecoder("latin1").decode(bytes);

async function uploadRaw(token: string, bytes: Uint8Array, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append("image", new File([bytes], "camera.jpg"));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const res = await app("/images/upload", { method: "POST", headers: bearer(token), body: form });
  expect(res.status).toBe(201);
  const { image } = await res.json<{ image: ImageBody }>();
  const stored = new Uint8Array(await (await fetch(image.file_url)).arrayBuffer());
  return { image, stored };
}

describe("metadata stripping on upload", () => {
  it("removes GPS, camera details, XMP and IPTC from a JPEG, keeping ICC and orientation", async () => {
    const { accessToken } = await newSignedInUser();
    const original = makeJpegWithMetadata(48, 32, { exif: exifTiff({ orientation: 6 }) });
    const { image, stored } = await uploadRaw(accessToken, original);
    expect(image.metadata_removed).toEqual(expect.arrayContaining(["GPS location", "camera details (EXIF)", "XMP", "IPTC"]));
    for (const secret of [planted.make, planted.model, planted.xmp, planted.iptc, planted.city, planted.comment]) {
      expect(text(stored)).not.toContain(secret);
    }
    expect(text(stored)).toContain("ICC_PROFILE");
    expect(text(stored)).toContain("Exif\0\0"); // the minimal EXIF that keeps orientation 6
    // The sha256 and size describe the stored (stripped) bytes.
    expect(image.sha256).toBe(await sha256Hex(stored));
    expect(image.size).toBe(stored.length);
    expect(stored.length).toBeLessThan(original.length);
    expect(image).toMatchObject({ width: 32, height: 48, content_type: "image/jpeg" }); // as displayed: orientation 6 turns it
    expect((await getImage(accessToken, image.id)).metadata_removed).toEqual(image.metadata_removed);
  });

  it("removes eXIf and text chunks from a PNG and EXIF/XMP from a WebP", async () => {
    const { accessToken } = await newSignedInUser();
    const png = await uploadRaw(accessToken, await makePngWithMetadata(20, 10, { exif: exifTiff({ orientation: 1 }) }));
    expect(png.image.metadata_removed).toEqual(expect.arrayContaining(["GPS location", "XMP"]));
    expect(text(png.stored)).not.toContain(planted.author);
    expect(text(png.stored)).toContain("iCCP");

    const webp = await uploadRaw(accessToken, makeWebpWithMetadata(20, 10, { exif: exifTiff({}) }));
    expect(webp.image.metadata_removed).toEqual(expect.arrayContaining(["GPS location", "XMP"]));
    expect(text(webp.stored)).not.toContain(planted.make);
    expect(text(webp.stored)).toContain("ICCP");
  });

  it("keeps everything with keep_metadata=true", async () => {
    const { accessToken } = await newSignedInUser();
    const original = makeJpegWithMetadata(16, 16, { exif: exifTiff({ orientation: 3 }) });
    const { image, stored } = await uploadRaw(accessToken, original, { keep_metadata: "true" });
    expect(image.metadata_removed).toEqual([]);
    expect(stored).toEqual(original);
  });

  it("keeps everything by default once the account says so", async () => {
    const { accessToken } = await newSignedInUser();
    await app("/auth/me", json({ keep_metadata: true }, { method: "PATCH", headers: bearer(accessToken) }));
    const original = makeJpegWithMetadata(16, 16, { exif: exifTiff({}) });
    expect((await uploadRaw(accessToken, original)).stored).toEqual(original);
    // …unless one upload asks otherwise.
    const stripped = await uploadRaw(accessToken, makeJpegWithMetadata(16, 16, { exif: exifTiff({}) }), { keep_metadata: "false" });
    expect(stripped.image.metadata_removed).toContain("GPS location");
  });
});
