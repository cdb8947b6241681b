/**
 * Headers for a ZIP download; with a known length the body goes through a FixedLengthStream,
 * so the client gets Content-Length (a real progress bar) and a short body fails the download.
 */
export function zipDownload(archive: { stream: ReadableStream<Uint8Array>; length?: number }, fileName: string) {
  const headers = {
    "content-type": "application/zip",
    "content-disposition": `attachment; filename="${fileName}"`,
    "cache-control": "no-store",
  };
  if (archive.length === undefined) return { body: archive.stream, headers };
  const fixed = new FixedLengthStream(archive.length);
  // A failure mid-way errors the readable side: the client sees a cut download, never a short "complete" file.
  archive.stream.pipeTo(fixed.writable).catch(() => {});
  return { body: fixed.readable, headers: { ...headers, "content-length": String(archive.length) } };
}
