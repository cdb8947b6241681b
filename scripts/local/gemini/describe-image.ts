import type { ImageFacts } from "./read-image";

/**
 * The subset of a response schema the stand-in honours. Gemini's `responseSchema`
 * uses OpenAPI types ("OBJECT"), `responseJsonSchema` JSON Schema types ("object").
 */
export interface ResponseSchema {
  type?: unknown;
  properties?: Record<string, ResponseSchema>;
  items?: ResponseSchema;
  enum?: unknown[];
  anyOf?: ResponseSchema[];
  maxItems?: unknown;
  minItems?: unknown;
  maxLength?: unknown;
}

interface ImageDescription {
  description: string;
  alt_text: string;
  tags: string[];
  /** The stand-in cannot read text in images. */
  text: string;
}

export function describeImage(facts: ImageFacts): ImageDescription {
  const { format, size, colours } = facts;
  const sizeText = size ? `${size.width}×${size.height} ` : "";
  const colourText = colours.length ? `mostly ${joinWords(colours)}` : "";
  const orientation = size ? orientationOf(size) : undefined;
  const description = `Offline analysis: a ${sizeText}${format} image${colourText ? `, ${colourText}` : ""}.`;
  const altText = `A ${[colourText, orientation].filter(Boolean).join(" ")} ${format} image`.replace(/ +/g, " ");
  const tags = [format.toLowerCase(), ...colours, ...(orientation ? [orientation] : [])];
  return {
    description: description.slice(0, 500),
    alt_text: `${altText}.`.slice(0, 150),
    tags: tags.slice(0, 10),
    text: "",
  };
}

/** Keeps what the schema lists, fills the rest with empty values of the declared type, drops everything else. */
export function conformToSchema(value: unknown, schema: ResponseSchema): unknown {
  const chosen = schema.anyOf?.[0] ?? schema;
  switch (schemaType(chosen)) {
    case "object": {
      const source = isRecord(value) ? value : {};
      const properties = Object.entries(chosen.properties ?? {});
      return Object.fromEntries(properties.map(([name, property]) => [name, conformToSchema(source[name], property)]));
    }
    case "array": {
      const items = (Array.isArray(value) ? value : []).slice(0, toCount(chosen.maxItems));
      while (items.length < (toCount(chosen.minItems) ?? 0)) items.push(undefined);
      return items.map((item) => conformToSchema(item, chosen.items ?? {}));
    }
    case "string": {
      if (Array.isArray(chosen.enum)) return chosen.enum.includes(value) ? value : (chosen.enum[0] ?? "");
      return (typeof value === "string" ? value : "").slice(0, toCount(chosen.maxLength));
    }
    case "integer":
      return typeof value === "number" ? Math.round(value) : 0;
    case "number":
      return typeof value === "number" ? value : 0;
    case "boolean":
      return typeof value === "boolean" ? value : false;
    default:
      return null;
  }
}

/** For the invalid_schema fault: drop the first property and give every other one the wrong type. */
export function breakSchema(valid: unknown): Record<string, unknown> {
  if (!isRecord(valid)) return { tags: 0 };
  const [, ...kept] = Object.entries(valid);
  return Object.fromEntries(kept.map(([name, value]) => [name, typeof value === "number" ? "not a number" : 0]));
}

function schemaType(schema: ResponseSchema): string | undefined {
  const declared = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (typeof declared === "string") return declared.toLowerCase();
  return schema.properties ? "object" : schema.items ? "array" : undefined;
}

/** The REST API encodes int64 limits as strings. */
function toCount(limit: unknown): number | undefined {
  const count = Number(limit);
  return limit !== undefined && Number.isInteger(count) && count >= 0 ? count : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function orientationOf({ width, height }: { width: number; height: number }) {
  return width === height ? "square" : width > height ? "landscape" : "portrait";
}

function joinWords(words: string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}
