import { createSignal, For, Show } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { formatDate } from "../lib/format";
import { ImageTextEditor } from "./image-text-editor";

/** The offline analyzer that stands in for Gemini in development names itself so ("local-stand-in-analyzer (offline)"). */
const isStandIn = (model: string | null) => Boolean(model?.includes("stand-in"));

/** Who wrote the description: the AI (which model, when), the local stand-in for it, or the owner. */
function Provenance(props: { image: ImageView }) {
  const ai = () => {
    const { model, analyzed_at } = props.image;
    return [model, analyzed_at && `analysed ${formatDate(analyzed_at)}`].filter(Boolean).join(", ");
  };
  const author = () => (isStandIn(props.image.model) ? "Written by the local stand-in analyzer, not an AI" : "AI-written");
  return (
    <p class="provenance" data-source={props.image.edited_by_user ? "user" : "ai"}>
      <Show when={!props.image.edited_by_user} fallback={<strong>Edited by you</strong>}>
        <strong>{author()}</strong>
        {ai() ? ` (${ai()})` : ""}
      </Show>
    </p>
  );
}

/** The image's description, alt text, tags and the text found in it, all rendered as text; the owner may edit the first three. */
export function ImageText(props: { image: ImageView }) {
  const [editing, setEditing] = createSignal(false);
  let editButton!: HTMLButtonElement;
  const image = () => props.image;
  const hasText = () => Boolean(image().description || image().alt_text || image().tags.length);
  const stopEditing = () => {
    setEditing(false);
    editButton.focus();
  };
  return (
    <Show when={!editing()} fallback={<ImageTextEditor image={image()} onDone={stopEditing} />}>
      <div class="text-head">
        <Show when={hasText()}>
          <Provenance image={image()} />
        </Show>
        <button type="button" ref={editButton} onClick={() => setEditing(true)}>
          {hasText() ? "Edit text" : "Write a description"}
        </button>
      </div>
      <Show when={image().description}>
        <h2>Description</h2>
        <p class="ai-text">{image().description}</p>
      </Show>
      <Show when={image().alt_text}>
        <h2>Alt text</h2>
        <p class="ai-text">{image().alt_text}</p>
      </Show>
      <Show when={image().tags.length > 0}>
        <h2>Tags</h2>
        <ul class="chips" aria-label="Tags">
          <For each={image().tags}>
            {(tag) => (
              <li>
                <a class="chip" href={`/?tag=${encodeURIComponent(tag)}`} aria-label={`Show images tagged ${tag}`}>
                  {tag}
                </a>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={image().text}>
        <h2>Text in the image</h2>
        <p class="ai-text extracted">{image().text}</p>
      </Show>
    </Show>
  );
}
