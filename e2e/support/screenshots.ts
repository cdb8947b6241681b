import assert from "node:assert/strict";
import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import { PNG } from "pngjs";
import type { Page } from "playwright-core";

const dir = "test-results/screenshots";

/** Saves test-results/screenshots/<name>.png and fails if it came out blank (one flat colour, or nearly). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = `${dir}/${name}.png`;
  await page.screenshot({ path, animations: "disabled", caret: "hide" });
  const { data } = PNG.sync.read(await readFile(path));
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4) colours.add(data.readUInt32BE(i));
  assert.ok(colours.size >= 16, `${path} looks blank: only ${colours.size} distinct colours`);
  return path;
}

/** UPDATE_DOCS_SCREENSHOTS=1 refreshes the README's pictures from this run. */
export async function publishForDocs(path: string, name: string) {
  if (!process.env.UPDATE_DOCS_SCREENSHOTS) return;
  const { size } = await stat(path);
  assert.ok(size < 150 * 1024, `${path} is ${size} bytes; the README's screenshots stay under 150 KB`);
  await mkdir("docs/screenshots", { recursive: true });
  await copyFile(path, `docs/screenshots/${name}.png`);
}
