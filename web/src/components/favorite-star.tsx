import type { ImageView } from "../lib/api-shapes";
import { setFavorite } from "../lib/favorites";

/** The owner's star, on a tile (toggled without opening it) and in the viewer: a toggle button, pressed when starred (styles.css draws it). */
export function FavoriteStar(props: { image: ImageView }) {
  return (
    <button
      type="button"
      class="star"
      aria-pressed={props.image.favorite}
      aria-label={`Favourite ${props.image.file_name}`}
      onClick={() => void setFavorite(props.image.id, !props.image.favorite).catch(() => undefined)}
    />
  );
}
