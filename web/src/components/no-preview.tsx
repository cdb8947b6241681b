import type { JSX } from "solid-js";
import type { ImageView } from "../lib/api-shapes";

/** Why an image has no preview, for each reason the worker gives in renditions_error. */
const unsupportedBecause: Record<string, (format: string) => string> = {
  unsupported_format: (format) => `The image service cannot read ${format} files.`,
  metadata_kept: (format) =>
    `The image service cannot read ${format} files, and this one keeps its metadata (such as its location), so it is not shown as it is.`,
  file_too_large: () => "The file is too large for the image service.",
  side_too_long: () => "It is too wide or too tall for the image service.",
  too_many_pixels: () => "It has too many pixels for the image service.",
};

/**
 * In place of a rendition not made (yet): the format, and why there is nothing to show. Never the
 * original on the page's own account: browsers cannot show every format (HEIC), and originals are
 * the heavy bytes (the worker hands one out as the display copy itself when that is safe).
 */
export function NoPreview(props: { image: ImageView; children?: JSX.Element }) {
  const format = () => props.image.content_type.replace(/^image\//, "").toUpperCase();
  const reason = () => {
    const code = props.image.renditions_status === "unsupported" ? props.image.renditions_error : null;
    return code ? unsupportedBecause[code]?.(format()) : undefined;
  };
  return (
    <span class="no-preview" data-status={props.image.renditions_status} title={reason()}>
      <strong>{format()}</strong>
      <span>{props.image.renditions_status === "pending" ? "Preparing a preview…" : "No preview of this image"}</span>
      {reason() && <small>{reason()}</small>}
      {props.children}
    </span>
  );
}
