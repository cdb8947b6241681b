import zlib from "node:zlib";
import { PNG } from "pngjs";

export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

type Rgb = [number, number, number];

/** A PNG shading diagonally from one colour to another of the same hue, which the offline analyzer names. */
export function gradientPng(name: string, from: Rgb, to: Rgb, width: number, height: number): FilePayload {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const share = (x / width + y / height) / 2;
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) png.data[i + c] = Math.min(255, Math.round(from[c] + (to[c] - from[c]) * share));
      png.data[i + 3] = 255;
    }
  }
  return { name, mimeType: "image/png", buffer: PNG.sync.write(png) };
}

export const redLandscape = () => gradientPng("red-landscape.png", [200, 20, 30], [250, 70, 60], 480, 320);
export const bluePortrait = () => gradientPng("blue-portrait.png", [20, 50, 200], [70, 110, 250], 320, 400);

/** A 64×48 px HEIC from libheif's heif-enc: the format Chromium cannot show and the local Images binding cannot read. */
export const heicPhoto = (): FilePayload => ({
  name: "IMG_0001.HEIC",
  mimeType: "image/heic",
  buffer: Buffer.from(
    "AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAa1tZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAAA5waXRtAAAAAAACAAAAEGlkYXQAAAAAAEAAMAAAADhpbG9jAQAAAERAAAIAAQAAAAAAAAHRAAEAAAAAAAAAZgACAAEAAAAAAAAAAQAAAAAAAAAIAAAAOGlpbmYAAAAAAAIAAAAVaW5mZQIAAAEAAQAAaHZjMQAAAAAVaW5mZQIAAAAAAgAAZ3JpZAAAAADYaXBycAAAALZpcGNvAAAAdmh2Y0MBA3AAAAAAAAAAAAAe8AD8/fj4AAAPAyAAAQAYQAEMAf//A3AAAAMAkAAAAwAAAwAeugJAIQABACpCAQEDcAAAAwCQAAADAAADAB6gIIEFlurkprm4EBAwIAAAAwAgAAADACEiAAEABkQBwXPAiQAAABRpc3BlAAAAAAAAAEAAAABAAAAAFGlzcGUAAAAAAAAAQAAAADAAAAAQcGl4aQAAAAADCAgIAAAAGmlwbWEAAAAAAAAAAgABAoECAAICA4QAAAAaaXJlZgAAAAAAAAAOZGltZwACAAEAAQAAAG5tZGF0AAAAYigBr1j5Et3/zBv/czIaeXLxzDU/svC5PJ962tqZUE3HD2TfVfm2tCNqLXlDlCKoiZOZoHFvZtpYHVBV/kpUgoSU3NZRAG+1RfRqJ6Jv5iJFMAKjUlcqjrzJis2WSJZvG2LE",
    "base64",
  ),
});

/** The PNG with an XMP packet (iTXt, after IHDR) saying when it was taken: "2023-12-24T10:00:00". */
export function takenAt(file: FilePayload, when: string): FilePayload {
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description><exif:DateTimeOriginal>${when}</exif:DateTimeOriginal></rdf:Description></x:xmpmeta>`;
  const type = Buffer.from("iTXt", "latin1");
  const data = Buffer.concat([Buffer.from("XML:com.adobe.xmp\0\0\0\0\0", "latin1"), Buffer.from(xmp, "utf8")]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([type, data])));
  // 8 bytes of signature and 25 of IHDR come first.
  const buffer = Buffer.concat([file.buffer.subarray(0, 33), length, type, data, crc, file.buffer.subarray(33)]);
  return { ...file, buffer };
}
