import { onCleanup, onMount } from "solid-js";
import { signOut } from "../lib/api";
import type { PublicUser } from "../lib/api-shapes";

/** A disclosure (<details>): keyboard and screen reader support come with the element. */
export function AccountMenu(props: { user: PublicUser }) {
  let menu!: HTMLDetailsElement;
  const close = () => (menu.open = false);
  const onOutside = (event: Event) => {
    if (menu.open && !menu.contains(event.target as Node)) close();
  };
  const onEscape = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || !menu.open) return;
    close();
    menu.querySelector("summary")?.focus();
  };
  onMount(() => {
    document.addEventListener("pointerdown", onOutside);
    document.addEventListener("keydown", onEscape);
  });
  onCleanup(() => {
    document.removeEventListener("pointerdown", onOutside);
    document.removeEventListener("keydown", onEscape);
  });
  return (
    <details ref={menu} class="menu">
      <summary aria-label={`Account menu for ${props.user.username}`}>
        <span class="avatar" aria-hidden="true">
          {props.user.username.slice(0, 1).toUpperCase()}
        </span>
        <span class="menu-name">{props.user.username}</span>
      </summary>
      <div class="menu-items">
        <p class="menu-email">{props.user.email}</p>
        <a href="/account" onClick={close}>
          Account settings
        </a>
        <a href="/bin" onClick={close}>
          Trash
        </a>
        <button
          type="button"
          onClick={() => {
            close();
            void signOut();
          }}
        >
          Sign out
        </button>
      </div>
    </details>
  );
}
