/** How much each case does: the full run, or --quick, which CI runs to check the bench still works. */
export interface Plan {
  quick: boolean;
  /** Interleaved rounds per side-by-side pair. */
  rounds: { upload1MiB: number; upload5MiB: number; aiLatency: number; listing: number; login: number };
  /** Uploads held in flight at once while the worker's live memory is measured. */
  memoryUploads: number[];
  /** Seconds per autocannon run, and how many runs of each endpoint. */
  throughput: { seconds: number; runs: number };
  /** Concurrent clients for the upload and listing growth tables. */
  growthClients: number[];
  /** Upload sizes for the upload growth table, one client. */
  growthUploadBytes: number[];
  /** Rows per page (`?limit=`) for the listing growth table. */
  growthPageRows: number[];
  /** Clients uploading at once in the burst, each sending this many ~1 MiB images one after another. */
  burst: { clients: number; uploadsPerClient: number };
  /** 12 MP camera photos uploaded for the per-photo counts behind the cost table. */
  costPhotos: number;
  /** Direct uploads (D1–D5). */
  direct: {
    /** Uploads of each shape (1 part, 4 parts) whose request path's CPU time is read. */
    cpuRounds: number;
    /** The file whose ingest the isolate's memory is watched through. */
    ingestBytes: number;
    /** Camera photos timed from their completion's answer to their thumbnail, one at a time. */
    thumbPhotos: number;
    /** Camera photos sent as one batch at 50 Mbit/s, through the SPA and as raw presigned PUTs. */
    batchPhotos: number;
    /** The file cut off at half and resumed. */
    resumeBytes: number;
  };
}

export const mib = 1024 * 1024;

export const fullPlan: Plan = {
  quick: false,
  rounds: { upload1MiB: 20, upload5MiB: 12, aiLatency: 12, listing: 40, login: 20 },
  memoryUploads: [1, 10],
  throughput: { seconds: 5, runs: 2 },
  growthClients: [1, 4, 16],
  growthUploadBytes: [100 * 1024, mib, 5 * mib],
  growthPageRows: [10, 50, 100],
  burst: { clients: 100, uploadsPerClient: 2 },
  costPhotos: 20,
  direct: { cpuRounds: 10, ingestBytes: 100 * mib, thumbPhotos: 20, batchPhotos: 200, resumeBytes: 60e6 },
};

export const quickPlan: Plan = {
  quick: true,
  rounds: { upload1MiB: 3, upload5MiB: 3, aiLatency: 3, listing: 5, login: 3 },
  memoryUploads: [1],
  throughput: { seconds: 1, runs: 1 },
  growthClients: [1, 4],
  growthUploadBytes: [100 * 1024, mib],
  growthPageRows: [10, 100],
  // CI's whole run must stay under 20 minutes: a fifth of the burst still checks nothing is lost.
  burst: { clients: 20, uploadsPerClient: 2 },
  costPhotos: 4,
  // A quick run checks the direct cases run end to end: a 24 MiB ingest and a 24 MB resume (five
  // parts, cut in the third) take a third of the full files' time.
  direct: { cpuRounds: 3, ingestBytes: 24 * mib, thumbPhotos: 3, batchPhotos: 4, resumeBytes: 24e6 },
};
