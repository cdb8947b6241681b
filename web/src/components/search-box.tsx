import { useLocation, useNavigate, useSearchParams } from "@solidjs/router";
import { createEffect, createSignal, on, onCleanup } from "solid-js";

const debounceMs = 300;

/** Searches as you type (debounced); the query lives in the URL (?q=) so back, reload and links keep it. */
export function SearchBox() {
  const [params, setParams] = useSearchParams<{ q?: string }>();
  const location = useLocation();
  const navigate = useNavigate();
  const [text, setText] = createSignal(params.q ?? "");
  let input!: HTMLInputElement;
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  // Back/forward changes ?q= under the box; don't fight the user while they type.
  createEffect(on(() => params.q, (q) => document.activeElement !== input && setText(q ?? ""), { defer: true }));

  const apply = () => {
    clearTimeout(timer);
    const q = text().trim() || undefined;
    if ((params.q ?? undefined) === q && location.pathname === "/") return;
    if (location.pathname === "/") setParams({ q }, { replace: true });
    else navigate(q ? `/?q=${encodeURIComponent(q)}` : "/");
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: role="search" on the form is the long-supported form of a <search> landmark
    <form
      class="search"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        apply();
      }}
    >
      <label for="search-input" class="visually-hidden">
        Search images
      </label>
      <input
        ref={input}
        id="search-input"
        type="search"
        name="q"
        placeholder="Search images"
        autocomplete="off"
        value={text()}
        onInput={(event) => {
          setText(event.currentTarget.value);
          clearTimeout(timer);
          timer = setTimeout(apply, debounceMs);
        }}
      />
    </form>
  );
}
