import { usePageTitle } from "../lib/page-title";

export function NotFound() {
  usePageTitle(() => "Not found");
  return (
    <section class="empty">
      <h1>Page not found</h1>
      <p>
        <a href="/">Back to your images</a>
      </p>
    </section>
  );
}
