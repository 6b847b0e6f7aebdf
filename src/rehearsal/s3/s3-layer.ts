import { createHash, randomUUID } from "node:crypto";
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { FaultInjector, type FaultKind, type FaultPlan } from "../github/faults.js";
import { AwsChunkedDecoder } from "./aws-chunked.js";
import { sendS3Error } from "./s3-error-reply.js";
import { injectS3Fault, S3_FAULT_KINDS } from "./s3-faults.js";

/**
 * What the layer adds to an S3 server that lacks it (fauxqs stores objects but ignores
 * conditional writes and checksums), so the paths real S3 takes can be tested locally:
 * - `If-None-Match: *` on PutObject and CompleteMultipartUpload: 412 PreconditionFailed if the key exists;
 * - `x-amz-checksum-sha256` (header or aws-chunked trailer) on PutObject and UploadPart: verified
 *   against the bytes (400 BadDigest, and nothing stored, on a mismatch), stored, and returned by
 *   HeadObject/GetObject with `x-amz-checksum-mode: ENABLED` — full-object for a single PUT, composite
 *   (`<sha256 of part checksums>-<parts>`) for a multipart upload, as S3 does;
 * - a log of every S3 operation, so tests can assert that a rerun made no PUT.
 * It also hides one gap of fauxqs 1.9.2: its CompleteMultipartUpload ignores parts that carry checksums.
 * Everything else passes through unchanged.
 */
export class S3ChecksumLayer {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  private checksums = new Map<string, { value: string; type: "FULL_OBJECT" | "COMPOSITE" }>();
  private uploads = new Map<string, { key: string; parts: Map<number, string> }>();
  private locks = new Map<string, Promise<void>>();
  private readonly faults = new FaultInjector();
  readonly operations: { op: string; key: string; status: number }[] = [];
  url = "";

  /** Random faults on every S3 request (5xx, SlowDown, connection reset, latency); undefined: none. */
  setFaults(plan: FaultPlan | undefined): void {
    this.faults.setPlan(plan && { kinds: S3_FAULT_KINDS, ...plan });
  }

  /** The next `count` requests with this method (e.g. "PUT") get this fault. */
  failNext(
    method: string,
    kind: FaultKind,
    options: { phase?: "before" | "after"; count?: number } = {},
  ): void {
    this.faults.schedule(method, kind, options);
  }

  constructor(private readonly upstreamPort: number) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((error: Error) => {
        if (!res.headersSent) sendS3Error(res, 500, "InternalError", error.message);
        else res.destroy();
      });
    });
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = this.faults.next(req.method ?? "GET");
    if (fault) {
      this.operations.push({ op: `Fault:${fault.kind}:${fault.phase}`, key: req.url ?? "", status: 0 });
      if (await injectS3Fault(fault, req, res)) return;
    }
    await this.handle(req, res);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://local");
    const [, bucket = "", ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const objectKey = `${bucket}/${key}`;
    const q = url.searchParams;
    const method = req.method ?? "GET";
    const log = (op: string, status: number): void => {
      this.operations.push({ op, key: objectKey, status });
    };

    if (method === "PUT" && key && q.has("partNumber") && q.has("uploadId")) {
      const status = await this.uploadPart(
        req,
        res,
        url,
        Number(q.get("partNumber")),
        q.get("uploadId") as string,
      );
      return log("UploadPart", status);
    }
    if (method === "PUT" && key && !req.headers["x-amz-copy-source"]) {
      const status = await this.withLock(objectKey, () => this.putObject(req, res, bucket, key));
      return log("PutObject", status);
    }
    if (method === "PUT" && key && req.headers["x-amz-copy-source"]) {
      const source = decodeURIComponent(
        String(req.headers["x-amz-copy-source"]).replace(/^\//, "").split("?")[0] as string,
      );
      const reply = await this.forward(req, url.pathname + url.search, await this.body(req));
      if (reply.status === 200 && this.checksums.has(source))
        this.checksums.set(objectKey, this.checksums.get(source) as never);
      this.send(res, reply);
      return log("CopyObject", reply.status);
    }
    if (method === "POST" && key && q.has("uploads")) {
      const reply = await this.forward(req, url.pathname + url.search, await this.body(req));
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(reply.body.toString())?.[1];
      if (uploadId) this.uploads.set(uploadId, { key: objectKey, parts: new Map() });
      this.send(res, reply);
      return log("CreateMultipartUpload", reply.status);
    }
    if (method === "POST" && key && q.has("uploadId")) {
      const status = await this.withLock(objectKey, () =>
        this.complete(req, res, url, objectKey, q.get("uploadId") as string),
      );
      return log("CompleteMultipartUpload", status);
    }
    if (method === "DELETE" && key && !q.has("uploadId")) this.checksums.delete(objectKey);
    if (method === "POST" && q.has("delete")) {
      const body = await this.body(req);
      for (const m of body.toString().matchAll(/<Key>([^<]+)<\/Key>/g))
        this.checksums.delete(`${bucket}/${decodeXml(m[1] as string)}`);
      const reply = await this.forward(req, url.pathname + url.search, body);
      this.send(res, reply);
      return log("DeleteObjects", reply.status);
    }
    const stored = key && (method === "HEAD" || method === "GET") ? this.checksums.get(objectKey) : undefined;
    const status = await this.passThrough(
      req,
      res,
      url.pathname + url.search,
      (upstreamStatus): Record<string, string> =>
        stored &&
        upstreamStatus === 200 &&
        req.headers["x-amz-checksum-mode"] === "ENABLED" &&
        !req.headers.range
          ? { "x-amz-checksum-sha256": stored.value, "x-amz-checksum-type": stored.type }
          : {},
    );
    const op =
      {
        GET: key ? "GetObject" : "ListObjects",
        HEAD: key ? "HeadObject" : "HeadBucket",
        DELETE: "DeleteObject",
        PUT: "CreateBucket",
      }[method] ?? method;
    log(op, status);
  }

  /** Streams a request to the server and its reply back (objects are never held in memory here). */
  private passThrough(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    extra: (status: number) => Record<string, string>,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      const out = httpRequest(
        { host: "127.0.0.1", port: this.upstreamPort, method: req.method, path, headers: req.headers },
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

  private async putObject(
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    key: string,
  ): Promise<number> {
    const target = `/${bucket}/${encodeKey(key)}`;
    if (req.headers["if-none-match"] === "*" && (await this.exists(target))) {
      req.resume();
      return sendS3Error(
        res,
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        "If-None-Match",
      );
    }
    // Staged under a temporary key, copied into place only once the checksum holds: a bad upload leaves nothing behind.
    const staging = `/${bucket}/.release-relay-staging/${randomUUID()}`;
    const { digest, declared, body } = await this.hashBody(req);
    if (declared !== undefined && declared !== digest) return this.badDigest(res);
    const stored = await this.forward(req, staging, body);
    if (stored.status !== 200) {
      this.send(res, stored);
      return stored.status;
    }
    const copy = await this.raw("PUT", target, Buffer.alloc(0), {
      "x-amz-copy-source": staging,
      "x-amz-metadata-directive": "COPY",
    });
    await this.raw("DELETE", staging, Buffer.alloc(0), {});
    if (copy.status !== 200) {
      this.send(res, copy);
      return copy.status;
    }
    const objectKey = `${bucket}/${key}`;
    if (
      String(
        req.headers["x-amz-sdk-checksum-algorithm"] ?? req.headers["x-amz-checksum-algorithm"] ?? "",
      ).toUpperCase() === "SHA256" ||
      declared
    ) {
      this.checksums.set(objectKey, { value: digest, type: "FULL_OBJECT" });
    } else {
      this.checksums.delete(objectKey);
    }
    const etag =
      /<ETag>([^<]+)<\/ETag>/.exec(copy.body.toString())?.[1]?.replaceAll("&quot;", '"') ??
      stored.headers.etag;
    const headers: Record<string, string> = { etag: String(etag) };
    if (this.checksums.has(objectKey)) headers["x-amz-checksum-sha256"] = digest;
    res.writeHead(200, headers);
    res.end();
    return 200;
  }

  private async uploadPart(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    partNumber: number,
    uploadId: string,
  ): Promise<number> {
    const { digest, declared, body } = await this.hashBody(req);
    if (declared !== undefined && declared !== digest) return this.badDigest(res);
    const reply = await this.forward(req, url.pathname + url.search, body);
    if (reply.status === 200) {
      this.uploads.get(uploadId)?.parts.set(partNumber, digest);
      reply.headers["x-amz-checksum-sha256"] = digest;
    }
    this.send(res, reply);
    return reply.status;
  }

  private async complete(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    objectKey: string,
    uploadId: string,
  ): Promise<number> {
    const body = await this.body(req);
    if (
      req.headers["if-none-match"] === "*" &&
      (await this.exists(
        `/${objectKey.split("/")[0]}/${encodeKey(objectKey.slice(objectKey.indexOf("/") + 1))}`,
      ))
    ) {
      return sendS3Error(
        res,
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        "If-None-Match",
      );
    }
    const upload = this.uploads.get(uploadId);
    const listed = [...body.toString().matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
      number: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(m[1] as string)?.[1]),
      sha256: /<ChecksumSHA256>([^<]+)<\/ChecksumSHA256>/.exec(m[1] as string)?.[1],
    }));
    for (const part of listed) {
      const actual = upload?.parts.get(part.number);
      if (part.sha256 && actual && part.sha256 !== actual) {
        return sendS3Error(
          res,
          400,
          "InvalidPart",
          `The checksum of part ${part.number} does not match the uploaded part.`,
        );
      }
    }
    // fauxqs only parses <Part><PartNumber/><ETag/></Part>: checksums, verified above, are not passed on.
    const upstreamBody = Buffer.from(
      body.toString().replace(/<Checksum[A-Z0-9]+>[^<]*<\/Checksum[A-Z0-9]+>/g, ""),
    );
    const reply = await this.forward(req, url.pathname + url.search, upstreamBody);
    if (reply.status === 200 && upload) {
      const digests = listed.map((p) => upload.parts.get(p.number));
      if (digests.every((d): d is string => d !== undefined)) {
        const composite = createHash("sha256");
        for (const d of digests) composite.update(Buffer.from(d, "base64"));
        const value = `${composite.digest("base64")}-${digests.length}`;
        this.checksums.set(objectKey, { value, type: "COMPOSITE" });
        reply.headers["x-amz-checksum-sha256"] = value;
      } else {
        this.checksums.delete(objectKey);
      }
      this.uploads.delete(uploadId);
    }
    this.send(res, reply);
    return reply.status;
  }

  /** Reads a request body, decoding aws-chunked framing; returns the SHA-256 and any declared checksum. */
  private async hashBody(
    req: IncomingMessage,
  ): Promise<{ digest: string; declared: string | undefined; body: Buffer }> {
    const hash = createHash("sha256");
    const raw = await this.body(req);
    let declared = req.headers["x-amz-checksum-sha256"] as string | undefined;
    if (String(req.headers["content-encoding"] ?? "").includes("aws-chunked")) {
      const decoder = new AwsChunkedDecoder((chunk) => hash.update(chunk));
      await new Promise<void>((resolve, reject) => decoder.end(raw, () => resolve()).on("error", reject));
      declared = decoder.trailers["x-amz-checksum-sha256"] ?? declared;
    } else {
      hash.update(raw);
    }
    return { digest: hash.digest("base64"), declared, body: raw };
  }

  private async exists(path: string): Promise<boolean> {
    return (await this.raw("HEAD", path, Buffer.alloc(0), {})).status === 200;
  }

  private body(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });
  }

  private forward(req: IncomingMessage, path: string, body: Buffer) {
    const headers = { ...req.headers };
    delete headers["if-none-match"];
    return this.raw(req.method ?? "GET", path, body, headers);
  }

  private raw(
    method: string,
    path: string,
    body: Buffer,
    headers: IncomingHttpHeaders,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    // The body is sent whole with its length: framing headers of the original request no longer apply.
    const { "transfer-encoding": _te, expect: _expect, ...rest } = headers;
    return new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: "127.0.0.1",
          port: this.upstreamPort,
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

  private send(
    res: ServerResponse,
    reply: { status: number; headers: IncomingHttpHeaders; body: Buffer },
  ): void {
    const headers = { ...reply.headers };
    delete headers["transfer-encoding"];
    delete headers.connection;
    headers["content-length"] = String(reply.body.length);
    res.writeHead(reply.status, headers as Record<string, string>);
    res.end(reply.body);
  }

  private badDigest(res: ServerResponse): number {
    return sendS3Error(
      res,
      400,
      "BadDigest",
      "The SHA256 you specified did not match the calculated checksum.",
    );
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((r) => {
      release = r;
    });
    const chained = previous.then(() => current);
    this.locks.set(key, chained);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(key) === chained) this.locks.delete(key);
    }
  }
}

const encodeKey = (key: string): string => key.split("/").map(encodeURIComponent).join("/");
const decodeXml = (s: string): string =>
  s
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&");
