/** Saves a Blob under a name: exports need the bearer token, so they are fetched first, then saved through a temporary link. */
export function saveBlob(name: string, blob: Blob) {
  const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
