/**
 * Type-level only: web/ restates the API's shapes (see web/src/lib/api-types.ts);
 * `npm run typecheck` fails here the moment the worker's answers and the web's copies differ.
 */
import type { AccountSettings as WorkerAccountSettings } from "../../worker/services/account-settings";
import type { ImageView as WorkerImageView } from "../../worker/services/image-view";
import type { shareView } from "../../worker/services/shares";
import type { AccountSettings as WebAccountSettings, ImageView as WebImageView, ShareView as WebShareView } from "../../web/src/lib/api-types";

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

true satisfies Same<WebImageView, WorkerImageView>;
true satisfies Same<WebAccountSettings, WorkerAccountSettings>;
true satisfies Same<WebShareView, ReturnType<typeof shareView>>;
