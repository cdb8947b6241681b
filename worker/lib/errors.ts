import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error the client may branch on: `code` is stable, `message` is for people. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string>; field?: string },
  ) {
    super(message, options);
    this.name = "AppError";
    this.headers = options?.headers ?? {};
    this.field = options?.field;
  }
  readonly headers: Record<string, string>;
  /** The input field at fault, so a form can show the message next to it. */
  readonly field?: string;
}

const codeByStatus: Partial<Record<number, string>> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
  503: "unavailable",
};

export function codeForStatus(status: number): string {
  return codeByStatus[status] ?? (status >= 500 ? "internal" : "error");
}
