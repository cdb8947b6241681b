import { createResource, Show } from "solid-js";

/** Placeholder shell until the UI issue: shows that the API behind it is alive. */
export function App() {
  const [health] = createResource(async () => {
    const res = await fetch("/healthz");
    return (await res.json()) as { status: string };
  });
  return (
    <main>
      <h1>Images</h1>
      <p>
        API status:{" "}
        <Show when={health()} fallback="checking…">
          {(h) => h().status}
        </Show>
      </p>
    </main>
  );
}
