import { useAction } from "@solidjs/router";
import { FormAlert } from "./form-alert";
import { createSignal, onMount } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { editImage } from "../lib/images";
import { Field } from "./field";

const fields = ["description", "alt_text", "tags"];

/** Edits description, alt text and tags; the server cleans them like the AI's text and names any field it refuses. */
export function ImageTextEditor(props: { image: ImageView; onDone: () => void }) {
  // What the form starts from: a refresh of the image (polling, a new signed URL) must not overwrite typing.
  const start = props.image;
  const edit = useAction(editImage);
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  let form!: HTMLFormElement;
  onMount(() => form.querySelector("textarea")?.focus());
  return (
    <form
      ref={form}
      class="stack editor"
      aria-label="Edit the description"
      onSubmit={async (event) => {
        event.preventDefault();
        const values = new FormData(event.currentTarget);
        setPending(true);
        try {
          await edit(start.id, {
            description: String(values.get("description")),
            alt_text: String(values.get("alt_text")),
            tags: String(values.get("tags")).split(",").map((tag) => tag.trim()).filter(Boolean),
          });
          props.onDone();
        } catch (failure) {
          setError(failure);
        } finally {
          setPending(false);
        }
      }}
      onKeyDown={(event) => event.key === "Escape" && props.onDone()}
    >
      <Field as="textarea" name="description" label="Description" value={start.description ?? ""} maxLength={500} failure={error()} />
      <Field
        name="alt_text"
        label="Alt text"
        value={start.alt_text ?? ""}
        maxLength={150}
        hint="Read out by screen readers in place of the image."
        failure={error()}
      />
      <Field name="tags" label="Tags" value={start.tags.join(", ")} hint="Separate them with commas; at most 10." failure={error()} />
      <FormAlert error={error()} fields={fields} />
      <div class="actions">
        <button type="submit" class="primary" disabled={pending()}>
          {pending() ? "Saving…" : "Save"}
        </button>
        <button type="button" onClick={() => props.onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
