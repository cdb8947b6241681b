import { Show } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { freshest, refreshExpiredUrl, watchAnalysis } from "../lib/live-images";
import { AnalysisBadge } from "./analysis-badge";

/** A gallery tile: a fixed square box, so nothing moves while the lazy image arrives. */
export function ImageCard(props: { image: ImageView }) {
  const image = () => freshest(props.image);
  watchAnalysis(image);
  return (
    <li class="card" data-status={image().analysis_status}>
      <a href={`/i/${image().id}`} class="card-link">
        <span class="thumb">
          <img
            src={image().file_url}
            alt={image().alt_text ?? ""}
            width={image().width}
            height={image().height}
            loading="lazy"
            decoding="async"
            onError={() => void refreshExpiredUrl(image())}
          />
        </span>
        <span class="card-name">{image().file_name}</span>
        <Show when={image().analysis_status !== "done"}>
          <AnalysisBadge status={image().analysis_status} />
        </Show>
      </a>
    </li>
  );
}
