/**
 * Type-level only: web/ restates the API's image shape (see web/src/lib/api-types.ts);
 * `npm run typecheck` fails here the moment the worker's view and the web's copy differ.
 */
import type { ImageView as WorkerImageView } from "../../worker/services/image-view";
import type { ImageView as WebImageView } from "../../web/src/lib/api-types";

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

true satisfies Same<WebImageView, WorkerImageView>;
