import { Show } from "solid-js";
import { formError } from "../lib/form-errors";

/** A form's own error (one no field of `fields` shows next to itself), announced to screen readers. */
export function FormAlert(props: { error: unknown; fields?: string[] }) {
  return (
    <Show when={formError(props.error, props.fields ?? [])}>
      {(message) => (
        <p class="form-error" role="alert">
          {message()}
        </p>
      )}
    </Show>
  );
}
