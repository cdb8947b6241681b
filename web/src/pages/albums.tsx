import { A, createAsync, useSubmission } from "@solidjs/router";
import { For, Show } from "solid-js";
import { Field } from "../components/field";
import { FormAlert } from "../components/form-alert";
import { createAlbum, getAlbums } from "../lib/albums";
import { usePageTitle } from "../lib/page-title";

/** /a: the owner's albums, newest first, each with its cover, name and count; a form to start one. */
export default function Albums() {
  usePageTitle(() => "Albums");
  const albums = createAsync(() => getAlbums());
  const creating = useSubmission(createAlbum);
  return (
    <section class="albums">
      <h1>Albums</h1>
      <form action={createAlbum} method="post" class="album-form">
        <Field name="name" label="Album name" placeholder="e.g. Summer 2026" required maxLength={100} failure={creating.error} />
        <button type="submit" class="primary" disabled={creating.pending}>
          Create album
        </button>
      </form>
      <FormAlert error={creating.error} fields={["name"]} />
      <Show when={albums() === undefined}>
        <p class="loading">Loading albums…</p>
      </Show>
      <Show when={albums()?.length === 0}>
        <p class="empty">No albums yet. Create one, then add images from the gallery: select them and choose “Add to album”.</p>
      </Show>
      <ul class="grid album-grid" aria-label="Albums" aria-busy={albums() === undefined}>
        <For each={albums()}>
          {(album) => (
            <li class="card">
              <A href={`/a/${album.id}`} class="card-link">
                <span class="thumb">
                  <Show when={album.cover?.thumb_url}>{(thumb) => <img src={thumb()} alt="" loading="lazy" decoding="async" />}</Show>
                </span>
                <span class="card-name">{album.name}</span>
                <span class="hint">
                  {album.image_count} image{album.image_count === 1 ? "" : "s"}
                </span>
              </A>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
