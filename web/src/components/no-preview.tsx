import type { JSX } from "solid-js";
import type { ImageView } from "../lib/api-shapes";

/**
 * In place of a rendition not made (yet): the format, and why there is nothing to show. Never the
 * original instead: browsers cannot show every format (HEIC), and originals are the heavy bytes.
 */
export function NoPreview(props: { image: ImageView; children?: JSX.Element }) {
  const format = () => props.image.content_type.replace(/^image\//, "").toUpperCase();
  return (
    <span class="no-preview" data-status={props.image.renditions_status}>
      <strong>{format()}</strong>
      <span>{props.image.renditions_status === "pending" ? "Preparing a preview…" : "No preview of this image"}</span>
      {props.children}
    </span>
  );
}

/** A rendition's width: the image's, scaled down to the worker's bound for it (thumb 480, display 2,048 px). */
export const renditionWidth = (image: ImageView, longestSide: number) =>
  Math.round(image.width * Math.min(1, longestSide / Math.max(image.width, image.height)));
