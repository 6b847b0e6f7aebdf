import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { FaultInjector, type FaultKind, type FaultPlan } from "../github/faults.js";
import { KeyLocks } from "./key-locks.js";
import { MultipartUploads } from "./multipart-uploads.js";
import { hashBody, type StoredChecksum } from "./s3-checksums.js";
import { badDigest, preconditionFailed, sendS3Error } from "./s3-error-reply.js";
import { injectS3Fault, S3_FAULT_KINDS } from "./s3-faults.js";
import { encodeKey, readBody, S3Upstream, sendReply } from "./s3-upstream.js";

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
  private checksums = new Map<string, StoredChecksum>();
  private readonly upstream: S3Upstream;
  private readonly multipart: MultipartUploads;
  private readonly locks = new KeyLocks();
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

  constructor(upstreamPort: number) {
    this.upstream = new S3Upstream(upstreamPort);
    this.multipart = new MultipartUploads(this.upstream, this.checksums);
  }

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
      const status = await this.multipart.uploadPart(
        req,
        res,
        url,
        Number(q.get("partNumber")),
        q.get("uploadId") as string,
      );
      return log("UploadPart", status);
    }
    if (method === "PUT" && key && !req.headers["x-amz-copy-source"]) {
      const status = await this.locks.withLock(objectKey, () => this.putObject(req, res, bucket, key));
      return log("PutObject", status);
    }
    if (method === "PUT" && key && req.headers["x-amz-copy-source"]) {
      const source = decodeURIComponent(
        String(req.headers["x-amz-copy-source"]).replace(/^\//, "").split("?")[0] as string,
      );
      const reply = await this.upstream.forward(req, url.pathname + url.search, await readBody(req));
      if (reply.status === 200 && this.checksums.has(source))
        this.checksums.set(objectKey, this.checksums.get(source) as never);
      sendReply(res, reply);
      return log("CopyObject", reply.status);
    }
    if (method === "POST" && key && q.has("uploads")) {
      return log("CreateMultipartUpload", await this.multipart.create(req, res, url, objectKey));
    }
    if (method === "POST" && key && q.has("uploadId")) {
      const status = await this.locks.withLock(objectKey, () =>
        this.multipart.complete(req, res, url, objectKey, q.get("uploadId") as string),
      );
      return log("CompleteMultipartUpload", status);
    }
    if (method === "DELETE" && key && !q.has("uploadId")) this.checksums.delete(objectKey);
    if (method === "POST" && q.has("delete")) {
      const body = await readBody(req);
      for (const m of body.toString().matchAll(/<Key>([^<]+)<\/Key>/g))
        this.checksums.delete(`${bucket}/${decodeXml(m[1] as string)}`);
      const reply = await this.upstream.forward(req, url.pathname + url.search, body);
      sendReply(res, reply);
      return log("DeleteObjects", reply.status);
    }
    const stored = key && (method === "HEAD" || method === "GET") ? this.checksums.get(objectKey) : undefined;
    const status = await this.upstream.passThrough(
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

  private async putObject(
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    key: string,
  ): Promise<number> {
    const target = `/${bucket}/${encodeKey(key)}`;
    if (req.headers["if-none-match"] === "*" && (await this.upstream.exists(target))) {
      req.resume();
      return preconditionFailed(res);
    }
    // Staged under a temporary key, copied into place only once the checksum holds: a bad upload leaves nothing behind.
    const staging = `/${bucket}/.release-relay-staging/${randomUUID()}`;
    const { digest, declared, body } = await hashBody(req);
    if (declared !== undefined && declared !== digest) return badDigest(res);
    const stored = await this.upstream.forward(req, staging, body);
    if (stored.status !== 200) {
      sendReply(res, stored);
      return stored.status;
    }
    const copy = await this.upstream.raw("PUT", target, Buffer.alloc(0), {
      "x-amz-copy-source": staging,
      "x-amz-metadata-directive": "COPY",
    });
    await this.upstream.raw("DELETE", staging, Buffer.alloc(0), {});
    if (copy.status !== 200) {
      sendReply(res, copy);
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
}

const decodeXml = (s: string): string =>
  s
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&");
