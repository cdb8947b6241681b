import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { openPage, registerUser } from "./support/app";
import { assertNoProblems } from "./support/page-checks";

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("an expired access token is refreshed once through the cookie and the request retried", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await page.goto("/login");
    await signIn(page, user);
    await page.getByRole("heading", { name: "No images yet" }).waitFor();

    let refreshes = 0;
    page.on("request", (request) => request.url().endsWith("/auth/refresh") && refreshes++);
    let expired = false;
    await page.route(/\/images\?/, async (route) => {
      if (expired) return route.continue();
      expired = true;
      await route.fulfill({ status: 401, json: { message: "Access token has expired", code: "token_expired" } });
    });
    await page.getByRole("searchbox", { name: "Search images" }).fill("sunset");
    await page.getByRole("heading", { name: "No images match" }).waitFor();
    assert.equal(expired, true);
    assert.equal(refreshes, 1);
    assert.equal(new URL(page.url()).pathname, "/");
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("a session that cannot be refreshed returns to sign-in, and sign-in returns to the same page", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await page.goto("/account");
    await page.waitForURL(/\/login\?next=%2Faccount$/);
    await signIn(page, user);
    await page.waitForURL(`${baseUrl}/account`);
    await page.getByRole("heading", { name: "Account", exact: true }).waitFor();

    // The refresh cookie is gone (expired, revoked): the next 401 ends the session.
    await page.context().clearCookies();
    await page.route(/\/images\?/, (route) => route.fulfill({ status: 401, json: { message: "Access token has expired", code: "token_expired" } }));
    await page.getByRole("searchbox", { name: "Search images" }).fill("cats");
    await page.waitForURL(/\/login\?next=%2F%3Fq%3Dcats$/);
    await page.getByText("Your session has ended").waitFor();
    await page.unroute(/\/images\?/);
    await signIn(page, user);
    await page.waitForURL(`${baseUrl}/?q=cats`);
    await page.getByRole("heading", { name: "Results for “cats”" }).waitFor();
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("tabs refresh one at a time: two opened at once never send the refresh cookie together, and both stay signed in", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await page.goto("/login");
    await signIn(page, user);
    await page.getByRole("heading", { name: "No images yet" }).waitFor();
    const context = page.context();
    // A same-origin page that loads no app, to watch the origin's Web Locks while the tabs reload.
    const observer = await context.newPage();
    await observer.goto("/healthz");
    const second = await context.newPage();

    // The first refresh is held until either a second one arrives (the tabs overlap) or a tab is
    // seen queued behind it for the refresh lock: whichever comes, the answer shows which.
    let release = () => {};
    const heldUntil = new Promise<void>((resolve) => (release = resolve));
    let inFlight = 0;
    let most = 0;
    let refreshes = 0;
    await context.route("**/auth/refresh", async (route) => {
      refreshes++;
      most = Math.max(most, ++inFlight);
      if (inFlight > 1) release();
      await heldUntil;
      const response = await route.fetch();
      inFlight--; // before the tab has the answer, so before it can let the next tab go
      await route.fulfill({ response });
    });
    observer
      .waitForFunction(async () => ((await navigator.locks.query()).pending ?? []).some((lock) => lock.name === "auth-refresh"), undefined, { polling: 50 })
      .then(release, () => undefined);

    await Promise.all([page.reload(), second.goto("/")]);
    for (const tab of [page, second]) await tab.getByRole("heading", { name: "No images yet" }).waitFor();
    assert.equal(most, 1);
    assert.equal(refreshes, 2);
    await second.reload();
    await second.getByRole("heading", { name: "No images yet" }).waitFor();
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
