import type { Locator } from "playwright-core";

/** A tile opens the viewer; the image's own page (editing, sharing, delete) is one link further, in its details (shown first on a phone). */
export async function openImagePage(tile: Locator) {
  const page = tile.page();
  await tile.click();
  await page.getByRole("dialog", { name: /, viewer$/ }).waitFor();
  const showDetails = page.getByRole("button", { name: "Details", exact: true });
  if (await showDetails.isVisible()) await showDetails.click();
  await page.getByRole("link", { name: "Sharing, download and delete" }).click();
  await page.locator("article.detail h1").waitFor();
}
