import { Show } from "solid-js";
import { currentUser } from "../lib/session";
import { AccountMenu } from "./account-menu";
import { SearchBox } from "./search-box";

export function AppHeader() {
  return (
    <header class="app-header">
      <a href="/" class="brand">
        Images
      </a>
      <Show when={currentUser()}>
        {(user) => (
          <>
            <SearchBox />
            <nav aria-label="Sections">
              <a href="/favourites" class="nav-link">
                Favourites
              </a>
              <a href="/a" class="nav-link">
                Albums
              </a>
            </nav>
            <AccountMenu user={user()} />
          </>
        )}
      </Show>
    </header>
  );
}
