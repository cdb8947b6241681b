import * as v from "valibot";
import { toWellFormed } from "./text";

/** The shape Gemini is asked for (responseSchema) and held to on the way back. */
export const analysisAnswer = v.object({
  description: v.string(),
  alt_text: v.string(),
  tags: v.array(v.string()),
  text: v.string(),
});

export interface AnalysisFields {
  description: string;
  altText: string;
  tags: string[];
  extractedText: string;
}

export const limits = { description: 500, altText: 150, tags: 10, tagLength: 32, text: 1000 } as const;

/** Untrusted model output: no control or bidi characters, bounded lengths, tags as plain words. */
export function sanitizeAnswer(answer: v.InferOutput<typeof analysisAnswer>): AnalysisFields {
  const tags = answer.tags
    .map((tag) => cleanLine(tag).toLowerCase().replace(/[^\p{L}\p{N} -]/gu, "").replace(/\s+/g, " ").trim())
    .filter((tag) => tag.length > 0)
    .map((tag) => cap(tag, limits.tagLength));
  return {
    description: cap(cleanLine(answer.description), limits.description),
    altText: cap(cleanLine(answer.alt_text), limits.altText),
    tags: [...new Set(tags)].slice(0, limits.tags),
    extractedText: cap(cleanText(answer.text), limits.text),
  };
}

const controlAndFormat = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

function cleanLine(text: string) {
  return toWellFormed(text).replace(controlAndFormat, " ").replace(/\s+/g, " ").trim();
}

/** Extracted text keeps its line breaks; everything else invisible goes. */
function cleanText(text: string) {
  return toWellFormed(text)
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(controlAndFormat, " ").replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function cap(text: string, max: number) {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}
