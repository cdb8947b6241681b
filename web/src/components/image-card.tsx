import { Show } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { freshest, refreshExpiredUrl, watchImage } from "../lib/live-images";
import { AnalysisBadge } from "./analysis-badge";
import { NoPreview, renditionWidth } from "./no-preview";

/**
 * A gallery tile: a fixed square box (its colour shows while the thumb arrives), the thumb
 * rendition, or the display one on a screen dense enough to need it.
 */
export function ImageCard(props: { image: ImageView }) {
  const image = () => freshest(props.image);
  watchImage(image);
  return (
    <li class="card" data-status={image().analysis_status}>
      <a href={`/i/${image().id}`} class="card-link">
        <span class="thumb">
          <Show when={image().thumb_url} fallback={<NoPreview image={image()} />}>
            {(thumb) => (
              <img
                src={thumb()}
                srcset={`${thumb()} ${renditionWidth(image(), 480)}w, ${image().display_url} ${renditionWidth(image(), 2048)}w`}
                sizes="(max-width: 30rem) 50vw, 12rem"
                alt={image().alt_text ?? ""}
                width={image().width}
                height={image().height}
                loading="lazy"
                decoding="async"
                onError={() => void refreshExpiredUrl(image())}
              />
            )}
          </Show>
        </span>
        <span class="card-name">{image().file_name}</span>
        <Show when={image().analysis_status !== "done"}>
          <AnalysisBadge status={image().analysis_status} />
        </Show>
      </a>
    </li>
  );
}
