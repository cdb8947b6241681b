import { Show } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { formatDate } from "../lib/format";
import { formatTaken } from "../lib/format-taken";

/** "Taken" and "Uploaded" rows of a facts list (<dl>): the image page and the viewer's panel. */
export function ImageDates(props: { image: ImageView }) {
  return (
    <>
      <dt>Taken</dt>
      <dd>
        <Show when={props.image.taken_at} fallback="Not recorded in the file">
          {(taken) => <time datetime={taken()}>{formatTaken(taken())}</time>}
        </Show>
      </dd>
      <dt>Uploaded</dt>
      <dd>
        <time datetime={props.image.created_at}>{formatDate(props.image.created_at)}</time>
      </dd>
    </>
  );
}
