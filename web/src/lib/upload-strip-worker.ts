import { stripInBrowser } from "./upload-strip";

/** The Web Worker that strips files for the uploader (upload-stripper.ts), one message a file. */

const scope = self as unknown as { onmessage: ((event: MessageEvent<{ id: number; file: Blob }>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = async (event) => {
  const { id, file } = event.data;
  try {
    scope.postMessage({ id, stripped: await stripInBrowser(file) });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
