import { inject } from "vitest";

/**
 * Asks the image-check stand-in (scripts/local/image-check.ts) what a file really
 * carries: ExifTool's tags and sharp's decoded pixels, computed in Node.
 */

export type ExifToolTags = Record<string, unknown>;

export async function exifToolTags(bytes: Uint8Array): Promise<ExifToolTags> {
  const res = await fetch(`${inject("imageCheckUrl")}/tags`, { method: "POST", body: bytes });
  if (res.status !== 200) throw new Error(`exiftool: ${res.status} ${await res.text()}`);
  return (await res.json<{ tags: ExifToolTags }>()).tags;
}

/** RGBA of every frame as sharp decodes it; undefined when sharp cannot decode the format (HEVC). */
export async function decodedPixels(bytes: Uint8Array): Promise<{ width: number; height: number; sha256: string } | undefined> {
  const res = await fetch(`${inject("imageCheckUrl")}/pixels`, { method: "POST", body: bytes });
  if (res.status === 422) return undefined;
  if (res.status !== 200) throw new Error(`pixels: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A file from worker/test/fixtures (see its README for how each was made). */
export async function fixture(name: string): Promise<Uint8Array> {
  const res = await fetch(`${inject("imageCheckUrl")}/fixtures/${name}`);
  if (res.status !== 200) throw new Error(`fixture ${name}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

const privateGroups = /^(XMP|IPTC|Photoshop|MakerNotes|MPF|MPImage|IFD1|GPS|ExifIFD|InteropIFD|SubIFD|JFXX|Apple|Samsung|FLIR)/;
const privateNames =
  /^(GPS.*|Lens.*|Make|Model|SerialNumber|InternalSerialNumber|OwnerName|CameraOwnerName|Artist|Creator|Copyright|DateTimeOriginal|CreateDate|ModifyDate|DateCreated|DateTimeDigitized|Datecreate|Datemodify|Comment|UserComment|ImageDescription|City|ThumbnailImage|ThumbnailOffset|PreviewImage|MPImage\d*|Warning|Error)$/;

/**
 * The tags that say where, when, with what or by whom a photo was taken, or carry
 * XMP, IPTC, a comment, a thumbnail or a preview; also ExifTool's warnings and
 * errors, as a damaged structure would show there. Empty for a clean file.
 */
export function privateTags(tags: ExifToolTags): string[] {
  return Object.keys(tags)
    .filter((key) => {
      const [group, name] = key.includes(":") ? key.split(":", 2) : ["", key];
      return privateGroups.test(group) || privateNames.test(name);
    })
    .map((key) => (/Warning|Error/.test(key) ? `${key}: ${tags[key]}` : key));
}
