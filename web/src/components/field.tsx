import { createUniqueId, mergeProps, Show, splitProps, type JSX } from "solid-js";
import { fieldError } from "../lib/form-errors";

interface FieldProps extends JSX.InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  /** The form's last failure: the part of it about this field (the API's `field`) is shown here, under the label's name. */
  failure?: unknown;
  hint?: string;
  /** The control: an <input> unless said otherwise (a <select> takes its <option>s as children). */
  as?: "textarea" | "select";
}

/** A labelled input whose error (from the API's `field`) sits right under it and is announced. */
export function Field(props: FieldProps) {
  const [own, input] = splitProps(props, ["label", "failure", "hint", "as"]);
  const id = createUniqueId();
  const error = () => fieldError(own.failure, input.name, own.label);
  const describedBy = () => [error() && `${id}-error`, own.hint && `${id}-hint`].filter(Boolean).join(" ") || undefined;
  const control = mergeProps(input, {
    id,
    get "aria-invalid"() {
      return error() ? ("true" as const) : undefined;
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
      <Show when={error()}>
        {(message) => (
          <p id={`${id}-error`} class="field-error">
            {message()}
          </p>
        )}
      </Show>
    </div>
  );
}
