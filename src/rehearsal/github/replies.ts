import type { ServerResponse } from "node:http";

/** What a route handler answers. */
export interface Reply {
  status: number;
  body?: unknown;
  /** Raw bytes (archives); sent instead of JSON. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

const DOCS = "https://docs.github.com/rest";

/** An error reply in GitHub's shape: `{message, documentation_url, status}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }

  reply(): Reply {
    return {
      status: this.status,
      body: {
        message: this.message,
        ...(this.errors ? { errors: this.errors } : {}),
        documentation_url: DOCS,
        status: String(this.status),
      },
    };
  }
}

export const notFound = (): HttpError => new HttpError(404, "Not Found");

/** 422 "Validation Failed" with GitHub's per-field error list. */
export const validationFailed = (...errors: Record<string, string>[]): HttpError =>
  new HttpError(422, "Validation Failed", errors);

/** 422 with a bare message, as the Git Data API answers ("Reference already exists"). */
export const unprocessable = (message: string): HttpError => new HttpError(422, message);

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

/** An error thrown by a handler as GitHub would answer it; anything unexpected is a 500 that says what failed. */
export function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) return error.reply();
  return { status: 500, body: { message: `emulator error: ${(error as Error).message}`, status: "500" } };
}

/** Writes a reply: raw bytes, no body, or JSON, with its length. */
export function writeReply(res: ServerResponse, reply: Reply, headers: Record<string, string>): void {
  if (reply.raw) {
    res.writeHead(reply.status, { ...headers, "content-length": String(reply.raw.length) });
    res.end(reply.raw);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}
