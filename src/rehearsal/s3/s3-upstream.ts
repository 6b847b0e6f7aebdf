// The S3 server behind the layer (fauxqs), and how the layer's requests reach it: streamed through,
// or read whole and sent with their length.
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";

/** An upstream reply, read whole. */
export interface UpstreamReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A key as a URL path: each segment encoded, the slashes kept. */
export const encodeKey = (key: string): string => key.split("/").map(encodeURIComponent).join("/");

/** A request's whole body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Sends an upstream reply read whole, with its length in place of its own framing. */
export function sendReply(res: ServerResponse, reply: UpstreamReply): void {
  const headers = { ...reply.headers };
  delete headers["transfer-encoding"];
  delete headers.connection;
  headers["content-length"] = String(reply.body.length);
  res.writeHead(reply.status, headers as Record<string, string>);
  res.end(reply.body);
}

export class S3Upstream {
  constructor(private readonly port: number) {}

  /** Streams a request to the server and its reply back (objects are never held in memory here). */
  passThrough(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    extra: (status: number) => Record<string, string>,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      const out = httpRequest(
        { host: "127.0.0.1", port: this.port, method: req.method, path, headers: req.headers },
        (up) => {
          const status = up.statusCode ?? 500;
          res.writeHead(status, { ...up.headers, ...extra(status) });
          up.pipe(res);
          up.on("end", () => resolve(status));
          up.on("error", reject);
        },
      );
      out.on("error", reject);
      req.pipe(out);
    });
  }

  /** The request, with `body` in place of its own, without the condition the layer already checked. */
  forward(req: IncomingMessage, path: string, body: Buffer): Promise<UpstreamReply> {
    const headers = { ...req.headers };
    delete headers["if-none-match"];
    return this.raw(req.method ?? "GET", path, body, headers);
  }

  async exists(path: string): Promise<boolean> {
    return (await this.raw("HEAD", path, Buffer.alloc(0), {})).status === 200;
  }

  raw(method: string, path: string, body: Buffer, headers: IncomingHttpHeaders): Promise<UpstreamReply> {
    // The body is sent whole with its length: framing headers of the original request no longer apply.
    const { "transfer-encoding": _te, expect: _expect, ...rest } = headers;
    return new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: "127.0.0.1",
          port: this.port,
          method,
          path,
          headers: { ...rest, "content-length": String(body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        },
      );
      out.on("error", reject);
      out.end(body);
    });
  }
}
