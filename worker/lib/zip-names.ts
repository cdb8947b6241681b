const reservedOnWindows = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;
const maxCodePoints = 150;

/**
 * File names inside a ZIP, safe to extract anywhere: no directories or `..`, nothing Windows
 * refuses (reserved characters and device names, trailing dots), no control or bidi
 * characters, and each unique ignoring case ("a.jpg", "A.JPG" → "a.jpg", "A (2).JPG").
 */
export class ZipNames {
  private readonly taken = new Set<string>();

  take(raw: string, folder = ""): string {
    const clean = cleanName(raw);
    const dot = clean.lastIndexOf(".");
    const [stem, extension] = dot > 0 ? [clean.slice(0, dot), clean.slice(dot)] : [clean, ""];
    let name = clean;
    for (let n = 2; this.taken.has(`${folder}${name}`.toLowerCase()); n++) name = `${stem} (${n})${extension}`;
    this.taken.add(`${folder}${name}`.toLowerCase());
    return `${folder}${name}`;
  }
}

function cleanName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? "";
  let name = base
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "")
    .replace(/[<>:"|?*]/g, "_")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+|[\s.]+$/g, "");
  if (reservedOnWindows.test(name)) name = `_${name}`;
  const chars = [...name];
  if (chars.length > maxCodePoints) {
    const dot = name.lastIndexOf(".");
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
    name = chars.slice(0, maxCodePoints - [...extension].length).join("") + extension;
  }
  return name || "image";
}
