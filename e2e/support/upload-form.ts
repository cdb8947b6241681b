import type { Page } from "playwright-core";
import type { FilePayload } from "./images";

/**
 * Uploads through the gallery's file input, in the signed-in browser's own session (no second
 * login: sign-in is rate-limited per address, and the whole run comes from one), then clears the
 * finished rows so they do not crowd the screenshots.
 */
export async function uploadThroughForm(page: Page, files: FilePayload[]) {
  await page.locator("#upload-input").setInputFiles(files);
  await page.waitForFunction(
    (count) => document.querySelectorAll('li.upload[data-state="done"]').length === count,
    files.length,
  );
  await page.getByRole("button", { name: "Clear finished" }).click();
}
