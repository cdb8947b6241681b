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
