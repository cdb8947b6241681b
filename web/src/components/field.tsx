import { createUniqueId, mergeProps, Show, splitProps, type JSX } from "solid-js";

interface FieldProps extends JSX.InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  /** The control: an <input> unless said otherwise (a <select> takes its <option>s as children). */
  as?: "textarea" | "select";
}

/** A labelled input whose error (from the API's `field`) sits right under it and is announced. */
export function Field(props: FieldProps) {
  const [own, input] = splitProps(props, ["label", "error", "hint", "as"]);
  const id = createUniqueId();
  const describedBy = () => [own.error && `${id}-error`, own.hint && `${id}-hint`].filter(Boolean).join(" ") || undefined;
  const control = mergeProps(input, {
    id,
    get "aria-invalid"() {
      return own.error ? ("true" as const) : undefined;
    },
    get "aria-describedby"() {
      return describedBy();
    },
  });
  return (
    <div class="field">
      <label for={id}>{own.label}</label>
      {own.as === "textarea" ? <textarea {...(control as JSX.TextareaHTMLAttributes<HTMLTextAreaElement>)} /> : own.as === "select" ? <select {...(control as JSX.SelectHTMLAttributes<HTMLSelectElement>)} /> : <input {...control} />}
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
