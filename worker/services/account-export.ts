import type { Deps } from "../deps";
import type { User } from "../db/schema";
import { settingsOf } from "./account-settings";
import { toPublicUser } from "./accounts";
import { listImages } from "./image-queries";
import { toImageView } from "./image-view";

const pageSize = 100;

/**
 * The account's data as one JSON document, streamed page by page so an account with
 * thousands of images never sits in memory at once. File URLs are freshly signed.
 */
export function exportAccount(deps: Deps, user: User): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async start(controller) {
      const head = { exported_at: new Date().toISOString(), user: { ...toPublicUser(user), created_at: user.createdAt.toISOString() }, settings: settingsOf(user) };
      controller.enqueue(encoder.encode(`${JSON.stringify(head).slice(0, -1)},"images":[`));
      let cursor: string | undefined;
      let first = true;
      try {
        do {
          const page = await listImages(deps, user.id, { limit: pageSize, cursor });
          for (const image of page.images) {
            const view = await toImageView(deps, image);
            controller.enqueue(encoder.encode(`${first ? "" : ","}${JSON.stringify(view)}`));
            first = false;
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        controller.enqueue(encoder.encode("]}"));
        controller.close();
      } catch (error) {
        // A cut-off document must not pass for a complete one: fail the stream.
        controller.error(error);
      }
    },
  });
}
