import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, registerUser } from "./support/app";
import { assertNoProblems, describedError } from "./support/page-checks";

test("a user changes the password, then deletes the account after confirming, and can no longer sign in", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await page.goto("/account");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Account", exact: true }).waitFor();

    const newPassword = `${user.password} v2`;
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password").fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    assert.equal(await describedError(page.getByLabel("Current password")), "Current password is incorrect");
    await page.getByLabel("Current password").fill(user.password);
    await page.getByLabel("New password").fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Password changed.").waitFor();

    await page.getByLabel("Password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Delete account…" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete your account?" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Delete account…" }).click();
    await dialog.getByRole("button", { name: "Delete account" }).click();

    await page.waitForURL(`${baseUrl}/login`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(newPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("Email or password is incorrect").waitFor();
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
