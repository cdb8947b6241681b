import { env } from "cloudflare:workers";
import { ascii, concat, u32be } from "./bytes";
import { eventually } from "./helpers";
import { getImage, type ImageBody } from "./image-helpers";
import { exifTiff, pngChunk } from "./images";
import { jpegSegment } from "./jpeg-encoder";

/**
 * Test images for the renditions, made inside workerd. Formats this file cannot write itself
 * (JPEG with real pixels, WebP, AVIF) are encoded by the Images binding from a PNG: the same
 * sharp-backed binding the worker uses, so no fixture files. HEIC it cannot write (prebuilt
 * sharp has no HEVC): that one is a 64×48 px photo encoded with libheif's heif-enc.
 */

export type Rgb = [number, number, number];

/** Four flat quadrants, top-left, top-right, bottom-left, bottom-right: which way up it is shows. */
export const quadrantColours: [Rgb, Rgb, Rgb, Rgb] = [
  [220, 30, 30],
  [30, 200, 40],
  [30, 40, 220],
  [240, 240, 240],
];

/** A PNG of `quadrantColours`; a random pixel in the middle makes every call unique. */
export async function quadrantPng(width: number, height: number): Promise<Uint8Array> {
  const rowLength = 1 + width * 3;
  const pixels = new Uint8Array(rowLength * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const quadrant = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
      pixels.set(quadrantColours[quadrant], y * rowLength + 1 + x * 3);
    }
  }
  pixels.set(crypto.getRandomValues(new Uint8Array(3)), Math.floor(height / 2) * rowLength + 1 + Math.floor(width / 2) * 3);
  const header = concat([u32be(width), u32be(height), new Uint8Array([8, 2, 0, 0, 0])]);
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return concat([signature, pngChunk("IHDR", header), pngChunk("IDAT", await deflate(pixels)), pngChunk("IEND", new Uint8Array())]);
}

/** Re-encodes an image through the Images binding (JPEG, WebP, AVIF; PNG to read pixels back). */
export async function encodeAs(bytes: Uint8Array, format: "image/jpeg" | "image/webp" | "image/avif" | "image/png"): Promise<Uint8Array> {
  const result = await env.IMAGES.input(new Blob([bytes]).stream()).output({ format });
  return new Uint8Array(await new Response(result.image()).arrayBuffer());
}

/** A JPEG carrying an EXIF orientation tag (1–8), as a camera writes it, right after SOI. */
export function withJpegOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  const exif = jpegSegment(0xe1, concat([ascii("Exif\0\0"), exifTiff({ orientation, camera: true, gps: true })]));
  return concat([jpeg.subarray(0, 2), exif, jpeg.subarray(2)]);
}

/**
 * Which stored quadrant shows at each displayed quadrant (TL, TR, BL, BR) for EXIF
 * orientations 1–8: the stored pixels turned and mirrored as the tag says.
 */
export const shownQuadrants: Record<number, [number, number, number, number]> = {
  1: [0, 1, 2, 3],
  2: [1, 0, 3, 2], // mirrored left to right
  3: [3, 2, 1, 0], // turned 180°
  4: [2, 3, 0, 1], // mirrored top to bottom
  5: [0, 2, 1, 3], // transposed
  6: [2, 0, 3, 1], // turned 90° clockwise
  7: [3, 1, 2, 0], // transversed
  8: [1, 3, 0, 2], // turned 90° anticlockwise
};

export interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): Rgb;
}

/** Decodes any image the binding reads (WebP renditions, here) to pixels, through a PNG. */
export async function pixelsOf(image: Uint8Array): Promise<Pixels> {
  return decodePng(await encodeAs(image, "image/png"));
}

/** An 8-bit PNG (grey, RGB, with or without alpha), all five row filters. */
export async function decodePng(png: Uint8Array): Promise<Pixels> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [depth, colourType] = [png[24], png[25]];
  if (depth !== 8) throw new Error(`PNG bit depth ${depth} is not handled here`);
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType];
  if (!channels) throw new Error(`PNG colour type ${colourType} is not handled here`);
  const idat: Uint8Array[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    if (new TextDecoder().decode(png.subarray(at + 4, at + 8)) === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = await inflate(concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? data[y * stride + i - channels] : 0;
      const up = y > 0 ? data[(y - 1) * stride + i] : 0;
      const upLeft = y > 0 && i >= channels ? data[(y - 1) * stride + i - channels] : 0;
      const predicted = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      data[y * stride + i] = (line[i] + predicted) & 0xff;
    }
  }
  return {
    width,
    height,
    at(x, y) {
      const i = y * stride + x * channels;
      return channels < 3 ? [data[i], data[i], data[i]] : [data[i], data[i + 1], data[i + 2]];
    },
  };
}

function paeth(a: number, b: number, c: number) {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The colour at the middle of each quadrant: TL, TR, BL, BR. */
export function quadrantsOf(pixels: Pixels): Rgb[] {
  const xs = [Math.floor(pixels.width / 4), Math.floor((pixels.width * 3) / 4)];
  const ys = [Math.floor(pixels.height / 4), Math.floor((pixels.height * 3) / 4)];
  return ys.flatMap((y) => xs.map((x) => pixels.at(x, y)));
}

export function closeTo(actual: Rgb, expected: Rgb, tolerance = 40) {
  return actual.every((value, i) => Math.abs(value - expected[i]) <= tolerance);
}

/** The chunk names of a RIFF WebP: VP8/VP8L/VP8X/ALPH carry pixels; EXIF, XMP and ICCP would be metadata. */
export function webpChunks(webp: Uint8Array): string[] {
  if (new TextDecoder().decode(webp.subarray(0, 4)) !== "RIFF" || new TextDecoder().decode(webp.subarray(8, 12)) !== "WEBP") {
    throw new Error("not a WebP");
  }
  const view = new DataView(webp.buffer, webp.byteOffset, webp.byteLength);
  const chunks: string[] = [];
  for (let at = 12; at + 8 <= webp.length; ) {
    chunks.push(new TextDecoder().decode(webp.subarray(at, at + 4)));
    const size = view.getUint32(at + 4, true);
    at += 8 + size + (size & 1);
  }
  return chunks;
}

/** Polls the image until its renditions reach one of `statuses` (and that many attempts, when given). */
export function renditionsReach(token: string, id: string, statuses: string[], { timeoutMs = 20_000 } = {}): Promise<ImageBody> {
  return eventually(async () => {
    const image = await getImage(token, id);
    if (!statuses.includes(image.renditions_status)) throw new Error(`renditions_status is ${image.renditions_status}`);
    return image;
  }, { timeoutMs });
}

export async function download(url: string | null) {
  if (!url) throw new Error("no URL");
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}

/** An HEIC photo (64×48 px, the quadrants) from heif-enc: the format the local binding cannot read. */
export const heicPhoto = () =>
  Uint8Array.from(
    atob(
      "AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAa1tZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAAA5waXRtAAAAAAACAAAAEGlkYXQAAAAAAEAAMAAAADhpbG9jAQAAAERAAAIAAQAAAAAAAAHRAAEAAAAAAAAAZgACAAEAAAAAAAAAAQAAAAAAAAAIAAAAOGlpbmYAAAAAAAIAAAAVaW5mZQIAAAEAAQAAaHZjMQAAAAAVaW5mZQIAAAAAAgAAZ3JpZAAAAADYaXBycAAAALZpcGNvAAAAdmh2Y0MBA3AAAAAAAAAAAAAe8AD8/fj4AAAPAyAAAQAYQAEMAf//A3AAAAMAkAAAAwAAAwAeugJAIQABACpCAQEDcAAAAwCQAAADAAADAB6gIIEFlurkprm4EBAwIAAAAwAgAAADACEiAAEABkQBwXPAiQAAABRpc3BlAAAAAAAAAEAAAABAAAAAFGlzcGUAAAAAAAAAQAAAADAAAAAQcGl4aQAAAAADCAgIAAAAGmlwbWEAAAAAAAAAAgABAoECAAICA4QAAAAaaXJlZgAAAAAAAAAOZGltZwACAAEAAQAAAG5tZGF0AAAAYigBr1j5Et3/zBv/czIaeXLxzDU/svC5PJ962tqZUE3HD2TfVfm2tCNqLXlDlCKoiZOZoHFvZtpYHVBV/kpUgoSU3NZRAG+1RfRqJ6Jv5iJFMAKjUlcqjrzJis2WSJZvG2LE",
    ),
    (ch) => ch.charCodeAt(0),
  );

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"))).arrayBuffer());
}

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"))).arrayBuffer());
}
