import type { ImageView } from "../lib/api-shapes";
import { formatBytes } from "../lib/format";
import { AnalysisBadge } from "./analysis-badge";
import { FavoriteStar } from "./favorite-star";
import { ImageDates } from "./image-dates";
import { ImageText } from "./image-text";

/** The viewer's side panel: the facts, and the description, alt text and tags (editable, as on the image's page). */
export function ViewerPanel(props: { image: ImageView; headingId: string }) {
  const image = () => props.image;
  return (
    <aside class="viewer-panel" aria-label="Details">
      <div class="viewer-title">
        <h2 id={props.headingId} class="file-name">
          {image().file_name}
        </h2>
        <FavoriteStar image={image()} />
      </div>
      <dl class="facts">
        <ImageDates image={image()} />
        <dt>Size</dt>
        <dd>
          {formatBytes(image().size)}, {image().width} × {image().height} px
        </dd>
        <dt>Analysis</dt>
        <dd>
          <AnalysisBadge status={image().analysis_status} />
        </dd>
      </dl>
      <ImageText image={image()} />
      <p>
        <a href={`/i/${image().id}`}>Sharing, download and delete</a>
      </p>
    </aside>
  );
}
