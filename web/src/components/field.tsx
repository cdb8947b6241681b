import { createUniqueId, Show, splitProps, type JSX } from "solid-js";

interface FieldProps extends JSX.InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  error?: string;
  hint?: string;
}

/** A labelled input whose error (from the API's `field`) sits right under it and is announced. */
export function Field(props: FieldProps) {
  const [own, input] = splitProps(props, ["label", "error", "hint"]);
  const id = createUniqueId();
  const describedBy = () => [own.error && `${id}-error`, own.hint && `${id}-hint`].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>{own.label}</label>
      <input
        {...input}
        id={id}
        aria-invalid={own.error ? "true" : undefined}
        aria-describedby={describedBy()}
      />
      <Show when={own.hint}>
        <p id={`${id}-hint`} class="hint">
          {own.hint}
        </p>
      </Show>
      <Show when={own.error}>
        <p id={`${id}-error`} class="field-error">
          {own.error}
        </p>
      </Show>
    </div>
  );
}
