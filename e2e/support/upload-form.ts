import type { Page } from "playwright-core";
import type { FilePayload } from "./images";

/**
 * Uploads through the gallery's file input, in the signed-in browser's own session (no second
 * login: sign-in is rate-limited per address, and the whole run comes from one), then closes the
 * upload panel so it does not cover the screenshots.
 */
export async function uploadThroughForm(page: Page, files: FilePayload[]) {
  await page.locator("#upload-input").setInputFiles(files);
  await page.waitForFunction(
    (count) => document.querySelector('.upload-panel[data-state="done"] [role=status]')?.textContent === `${count} uploaded`,
    files.length,
  );
  await page.locator(".upload-panel").getByRole("button", { name: "Close" }).click();
}
