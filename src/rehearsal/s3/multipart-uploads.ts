// Multipart uploads through the layer: each part's checksum verified and kept, the parts' checksums
// checked again at completion, and the object's composite checksum stored, as S3 does.
import type { IncomingMessage, ServerResponse } from "node:http";
import { compositeChecksum, hashBody, type StoredChecksum } from "./s3-checksums.js";
import { badDigest, preconditionFailed, sendS3Error } from "./s3-error-reply.js";
import { encodeKey, readBody, type S3Upstream, sendReply } from "./s3-upstream.js";

export class MultipartUploads {
  private uploads = new Map<string, { key: string; parts: Map<number, string> }>();

  constructor(
    private readonly upstream: S3Upstream,
    /** The checksums of stored objects, by `bucket/key`. */
    private readonly checksums: Map<string, StoredChecksum>,
  ) {}

  /** CreateMultipartUpload: the upload the server started, noted by its id. */
  async create(req: IncomingMessage, res: ServerResponse, url: URL, objectKey: string): Promise<number> {
    const reply = await this.upstream.forward(req, url.pathname + url.search, await readBody(req));
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(reply.body.toString())?.[1];
    if (uploadId) this.uploads.set(uploadId, { key: objectKey, parts: new Map() });
    sendReply(res, reply);
    return reply.status;
  }

  async uploadPart(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    partNumber: number,
    uploadId: string,
  ): Promise<number> {
    const { digest, declared, body } = await hashBody(req);
    if (declared !== undefined && declared !== digest) return badDigest(res);
    const reply = await this.upstream.forward(req, url.pathname + url.search, body);
    if (reply.status === 200) {
      this.uploads.get(uploadId)?.parts.set(partNumber, digest);
      reply.headers["x-amz-checksum-sha256"] = digest;
    }
    sendReply(res, reply);
    return reply.status;
  }

  async complete(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    objectKey: string,
    uploadId: string,
  ): Promise<number> {
    const body = await readBody(req);
    if (
      req.headers["if-none-match"] === "*" &&
      (await this.upstream.exists(
        `/${objectKey.split("/")[0]}/${encodeKey(objectKey.slice(objectKey.indexOf("/") + 1))}`,
      ))
    ) {
      return preconditionFailed(res);
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
    const reply = await this.upstream.forward(req, url.pathname + url.search, upstreamBody);
    if (reply.status === 200 && upload) {
      const digests = listed.map((p) => upload.parts.get(p.number));
      if (digests.every((d): d is string => d !== undefined)) {
        const checksum = compositeChecksum(digests);
        this.checksums.set(objectKey, checksum);
        reply.headers["x-amz-checksum-sha256"] = checksum.value;
      } else {
        this.checksums.delete(objectKey);
      }
      this.uploads.delete(uploadId);
    }
    sendReply(res, reply);
    return reply.status;
  }
}
