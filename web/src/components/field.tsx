import { createUniqueId, Show, type JSX } from "solid-js";

interface FieldProps extends JSX.InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  error?: string;
  hint?: string;
}

/** A labelled input whose error (from the API's `field`) sits right under it and is announced. */
export function Field(props: FieldProps) {
  const id = createUniqueId();
  const describedBy = () => [props.error && `${id}-error`, props.hint && `${id}-hint`].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        {...props}
        id={id}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy()}
      />
      <Show when={props.hint}>
        <p id={`${id}-hint`} class="hint">
          {props.hint}
        </p>
      </Show>
      <Show when={props.error}>
        <p id={`${id}-error`} class="field-error">
          {props.error}
        </p>
      </Show>
    </div>
  );
}
