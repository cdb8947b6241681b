import type { Page } from "playwright-core";

/** Signs in through the form, as a user would, and waits for the gallery. */
export async function signInThroughForm(page: Page, user: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your images" }).waitFor();
}
