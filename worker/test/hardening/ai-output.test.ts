import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { limits, sanitizeAnswer } from "../../lib/ai-text";
import { app, bearer, json, newSignedInUser } from "../helpers";
import { analysisReaches, uploadOk } from "../image-helpers";
import { makePng } from "../images";
import { hostileString } from "./hostile";

const invisible = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const codePoints = (s: string) => [...s].length;
const modelText = fc.oneof(hostileString, fc.string({ unit: "binary", maxLength: 3000 }), fc.constantFrom("\u202eevil\u202c", "a\u0000b", "<img src=x onerror=alert(1)>", "line\u2028break"));

describe("untrusted model output", () => {
  test.prop([fc.record({ description: modelText, alt_text: modelText, tags: fc.array(modelText, { maxLength: 40 }), text: modelText })], { numRuns: 200 })(
    "is stored without control or bidi characters, within every length limit, tags as plain words",
    (answer) => {
      const clean = sanitizeAnswer(answer);
      for (const field of [clean.description, clean.altText, ...clean.tags]) expect(field).not.toMatch(invisible);
      expect(clean.extractedText.replace(/\n/g, "")).not.toMatch(invisible);
      expect(codePoints(clean.description)).toBeLessThanOrEqual(limits.description);
      expect(codePoints(clean.altText)).toBeLessThanOrEqual(limits.altText);
      expect(codePoints(clean.extractedText)).toBeLessThanOrEqual(limits.text);
      expect(clean.tags.length).toBeLessThanOrEqual(limits.tags);
      for (const tag of clean.tags) expect(tag).toMatch(/^(?:[\p{L}\p{N} -]{1,32}|[\p{L}\p{N} -]{1,31}…)$/u);
      expect(new Set(clean.tags).size).toBe(clean.tags.length);
    },
  );

  it("passes a person's edits through the same cleaning", async () => {
    const { accessToken } = await newSignedInUser();
    const { id } = await uploadOk(accessToken, { bytes: await makePng(8, 8, [0, 90, 0]) });
    await analysisReaches(accessToken, id, ["done"]); // an edit made while the model still works is overwritten by its answer
    const res = await app(`/images/${id}`, json({ description: "a\u0000b\u202ec\u0007d", alt_text: "x\r\ny", tags: ["<b>Bold</b>", "Bold", "\u200b"] }, { method: "PATCH", headers: bearer(accessToken) }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ description: "a b c d", alt_text: "x y", tags: ["bboldb", "bold"] });
  });

  it("is escaped on the public share page", async () => {
    const { accessToken } = await newSignedInUser();
    const { id } = await uploadOk(accessToken, { bytes: await makePng(8, 8, [0, 91, 0]) });
    await analysisReaches(accessToken, id, ["done"]);
    const hostile = `"><script>alert(document.cookie)</script><img src=x onerror=alert(1)>`;
    expect((await app(`/images/${id}`, json({ alt_text: hostile }, { method: "PATCH", headers: bearer(accessToken) }))).status).toBe(200);
    const share = await (await app(`/images/${id}/shares`, json({ expires_in: 600 }, { headers: bearer(accessToken) }))).json<{ url: string }>();
    const page = await (await app(new URL(share.url).pathname)).text();
    expect(page).not.toMatch(/<script|<img src=x|"><script/);
    expect(page).toContain("&lt;script&gt;");
  });
});
