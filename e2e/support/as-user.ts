import { type newUser, type OpenPage, openPage, registerUser } from "./app";
import type { FilePayload } from "./images";
import { assertNoProblems, waitForCards } from "./page-checks";
import { signInThroughForm } from "./sign-in";
import { uploadThroughForm } from "./upload-form";

/**
 * Runs a browser test as a new user, signed in through the form, whose `files` are uploaded
 * through it and analysed; the test fails on any page error or CSP violation, and its page is
 * closed whatever happens.
 */
export async function asUserWithFiles(
  viewport: { width: number; height: number; deviceScaleFactor?: number },
  files: FilePayload[],
  run: (opened: OpenPage & { user: ReturnType<typeof newUser> }) => Promise<void>,
) {
  const opened = await openPage(viewport);
  try {
    const user = await registerUser(opened.baseUrl);
    await signInThroughForm(opened.page, user);
    await uploadThroughForm(opened.page, files);
    await waitForCards(opened.page, files.length, "done");
    await run({ ...opened, user });
    assertNoProblems(opened.problems);
  } finally {
    await opened.close();
  }
}
