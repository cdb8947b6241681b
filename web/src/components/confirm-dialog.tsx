import { createEffect, createUniqueId, type JSX } from "solid-js";

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  confirmLabel: string;
  pending?: boolean;
  children: JSX.Element;
  onConfirm: () => void;
  onClose: () => void;
}

/** A native modal <dialog>: it traps focus, starts on Cancel and closes on Escape. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  let dialog!: HTMLDialogElement;
  const id = createUniqueId();
  createEffect(() => {
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  });
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby={id} onClose={() => props.onClose()}>
      <h2 id={id}>{props.title}</h2>
      {props.children}
      <div class="actions">
        <button type="button" onClick={() => props.onClose()}>
          Cancel
        </button>
        <button type="button" class="danger" disabled={props.pending} onClick={() => props.onConfirm()}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
