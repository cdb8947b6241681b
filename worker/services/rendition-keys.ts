import type { Image } from "../db/schema";

export type RenditionKind = "thumb" | "display";

/**
 * Renditions live in the same private bucket as the originals, under a parallel prefix:
 * `renditions/<original key>.<kind>.webp`. `users/<id>/` thus keeps exactly one object per
 * row, and every rendition names its original, which is how the orphan sweep knows them.
 */
export const renditionsPrefix = "renditions/";

export const renditionKey = (originalKey: string, kind: RenditionKind) => `${renditionsPrefix}${originalKey}.${kind}.webp`;

/** Both rendition keys of an original, made or not: deleting a missing object is fine. */
export const renditionKeys = (originalKey: string) => [renditionKey(originalKey, "thumb"), renditionKey(originalKey, "display")];

/** The original a rendition belongs to, in the library or the trash (trash/<key>); any other key is its own original. */
export function originalKeyOf(key: string): string {
  const inLibrary = key.startsWith("trash/") ? key.slice("trash/".length) : key;
  const match = /^renditions\/(.+)\.(?:thumb|display)\.webp$/.exec(inLibrary);
  return match ? match[1] : inLibrary;
}

type ShareableImage = Pick<
  Image,
  | "key"
  | "contentType"
  | "width"
  | "height"
  | "metadataStatus"
  | "renditionsStatus"
  | "displayKey"
  | "displayWidth"
  | "displayHeight"
>;

/** A rendition is a WebP, unless the original stands in for it (a format the Images binding does not read). */
const renditionType = (image: Pick<Image, "key" | "contentType">, key: string) => (key === image.key ? image.contentType : "image/webp");

/**
 * The object a share link (and its og:image) serves for an image: the display rendition once
 * it is made (at most 2,048 px, upright, WebP, no metadata); until then the original, but
 * never an original whose owner kept its location and camera data (undefined: nothing to show).
 */
export function shareObjectFor(image: ShareableImage): { key: string; contentType: string; width: number; height: number } | undefined {
  if (image.renditionsStatus === "done" && image.displayKey && image.displayWidth && image.displayHeight) {
    return { key: image.displayKey, contentType: renditionType(image, image.displayKey), width: image.displayWidth, height: image.displayHeight };
  }
  if (image.metadataStatus === "kept") return undefined;
  return { key: image.key, contentType: image.contentType, width: image.width, height: image.height };
}

/** The small picture an album share's grid shows: the thumb rendition once made, else what `shareObjectFor` would serve. */
export function shareThumbFor(image: ShareableImage & Pick<Image, "thumbKey" | "thumbWidth" | "thumbHeight">) {
  if (image.renditionsStatus === "done" && image.thumbKey && image.thumbWidth && image.thumbHeight) {
    return { key: image.thumbKey, contentType: renditionType(image, image.thumbKey), width: image.thumbWidth, height: image.thumbHeight };
  }
  return shareObjectFor(image);
}
