import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { request } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsChunkedDecoder } from "../../src/rehearsal/s3/aws-chunked.js";
import { LocalS3 } from "../../src/rehearsal/s3/local-s3.js";

const root = join(import.meta.dirname, "../..");
const B = "downloads";
let s3: LocalS3;
let client: S3Client;

const sha256b64 = (data: Buffer) => createHash("sha256").update(data).digest("base64");

function errorName(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "succeeded",
    (e: { name?: string; Code?: string }) => e.Code ?? e.name ?? "unknown",
  );
}

beforeAll(async () => {
  s3 = new LocalS3();
  await s3.start([B]);
  client = s3.client();
});

afterAll(async () => {
  client.destroy();
  await s3.stop();
});

describe("local S3 through the real AWS SDK", () => {
  it("puts, heads and gets an object byte for byte, with its SHA-256 checksum", async () => {
    const body = Buffer.from("release artifact\n");
    await client.send(
      new PutObjectCommand({
        Bucket: B,
        Key: "releases/a.tar.gz",
        Body: body,
        ChecksumAlgorithm: "SHA256",
        ContentType: "application/gzip",
        Metadata: { sha256: "x" },
      }),
    );
    const head = await client.send(
      new HeadObjectCommand({ Bucket: B, Key: "releases/a.tar.gz", ChecksumMode: "ENABLED" }),
    );
    expect(head.ContentLength).toBe(body.length);
    expect(head.ChecksumSHA256).toBe(sha256b64(body));
    expect(head.ContentType).toBe("application/gzip");
    expect(head.Metadata).toEqual({ sha256: "x" });
    const got = await client.send(
      new GetObjectCommand({ Bucket: B, Key: "releases/a.tar.gz", ChecksumMode: "ENABLED" }),
    );
    expect(
      Buffer.from(
        await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      ).equals(body),
    ).toBe(true);
  });

  it("decodes streamed (aws-chunked) uploads and verifies their trailing checksum", async () => {
    const body = Buffer.from("streamed bytes ".repeat(1000));
    await client.send(
      new PutObjectCommand({
        Bucket: B,
        Key: "stream.bin",
        Body: createReadStreamOf(body),
        ContentLength: body.length,
        ChecksumAlgorithm: "SHA256",
      }),
    );
    const head = await client.send(
      new HeadObjectCommand({ Bucket: B, Key: "stream.bin", ChecksumMode: "ENABLED" }),
    );
    expect(head.ChecksumSHA256).toBe(sha256b64(body));
    const got = await client.send(new GetObjectCommand({ Bucket: B, Key: "stream.bin" }));
    expect(await (got.Body as { transformToString(): Promise<string> }).transformToString()).toBe(
      body.toString(),
    );
  });

  it("refuses a second write with If-None-Match: * and keeps the first object", async () => {
    await client.send(new PutObjectCommand({ Bucket: B, Key: "immutable", Body: "first", IfNoneMatch: "*" }));
    expect(
      await errorName(
        client.send(new PutObjectCommand({ Bucket: B, Key: "immutable", Body: "second", IfNoneMatch: "*" })),
      ),
    ).toBe("PreconditionFailed");
    const got = await client.send(new GetObjectCommand({ Bucket: B, Key: "immutable" }));
    expect(await (got.Body as { transformToString(): Promise<string> }).transformToString()).toBe("first");
  });

  it("lets exactly one of racing conditional writers win", async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        errorName(
          client.send(
            new PutObjectCommand({ Bucket: B, Key: "race", Body: `writer ${i}`, IfNoneMatch: "*" }),
          ),
        ),
      ),
    );
    expect(results.filter((r) => r === "succeeded")).toHaveLength(1);
    expect(results.filter((r) => r === "PreconditionFailed")).toHaveLength(4);
  });

  it("refuses a body whose declared SHA-256 does not match and stores nothing", async () => {
    const wrong = sha256b64(Buffer.from("something else"));
    expect(
      await errorName(
        client.send(
          new PutObjectCommand({ Bucket: B, Key: "tampered", Body: "payload", ChecksumSHA256: wrong }),
        ),
      ),
    ).toBe("BadDigest");
    expect(await errorName(client.send(new HeadObjectCommand({ Bucket: B, Key: "tampered" })))).toBe(
      "NotFound",
    );
  });

  it("uploads ≥ 64 MiB in parts with lib-storage and returns the composite checksum S3 would", async () => {
    const partSize = 8 * 1024 * 1024;
    const body = Buffer.alloc(64 * 1024 * 1024 + 12345);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    await new Upload({
      client,
      params: { Bucket: B, Key: "big.bin", Body: body, ChecksumAlgorithm: "SHA256" },
      partSize,
      queueSize: 4,
    }).done();
    const head = await client.send(
      new HeadObjectCommand({ Bucket: B, Key: "big.bin", ChecksumMode: "ENABLED" }),
    );
    expect(head.ContentLength).toBe(body.length);
    const parts: Buffer[] = [];
    for (let i = 0; i < body.length; i += partSize)
      parts.push(
        createHash("sha256")
          .update(body.subarray(i, i + partSize))
          .digest(),
      );
    expect(head.ChecksumSHA256).toBe(
      `${createHash("sha256").update(Buffer.concat(parts)).digest("base64")}-${parts.length}`,
    );
    const got = await client.send(new GetObjectCommand({ Bucket: B, Key: "big.bin" }));
    const bytes = Buffer.from(
      await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(
      createHash("sha256").update(body).digest("hex"),
    );
    await client.send(new DeleteObjectCommand({ Bucket: B, Key: "big.bin" }));
  });

  it("lists keys with pagination", async () => {
    for (let i = 0; i < 7; i++)
      await client.send(new PutObjectCommand({ Bucket: B, Key: `list/k${i}`, Body: String(i) }));
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: B, Prefix: "list/", MaxKeys: 3, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((c) => c.Key as string));
      token = page.NextContinuationToken;
      pages++;
    } while (token);
    expect(keys).toEqual(["list/k0", "list/k1", "list/k2", "list/k3", "list/k4", "list/k5", "list/k6"]);
    expect(pages).toBe(3);
  });

  it("logs every operation, so a test can prove a rerun made no PUT", async () => {
    const before = s3.operations.length;
    await client.send(new HeadObjectCommand({ Bucket: B, Key: "immutable" }));
    expect(s3.operations.slice(before)).toEqual([{ op: "HeadObject", key: `${B}/immutable`, status: 200 }]);
  });
});

describe("the checksum layer on its own (raw HTTP, no SDK)", () => {
  it("decodes aws-chunked framing split at any byte and collects the trailer", async () => {
    const framed = Buffer.from(
      "5;chunk-signature=x\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-sha256:abc=\r\n\r\n",
    );
    for (const cut of [1, 3, 7, 20, framed.length - 3]) {
      const out: Buffer[] = [];
      const decoder = new AwsChunkedDecoder((c) => out.push(Buffer.from(c)));
      await new Promise<void>((resolve, reject) => {
        decoder.on("error", reject);
        decoder.write(framed.subarray(0, cut));
        decoder.end(framed.subarray(cut), () => resolve());
      });
      expect(Buffer.concat(out).toString()).toBe("hello world");
      expect(decoder.trailers).toEqual({ "x-amz-checksum-sha256": "abc=" });
    }
  });

  it("answers a raw conditional PUT with 412 and S3's XML error when the key exists", async () => {
    const put = (body: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          `${s3.endpoint}/${B}/raw-key`,
          { method: "PUT", headers: { "if-none-match": "*", "content-length": body.length } },
          (res) => {
            let text = "";
            res.on("data", (d) => {
              text += d;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    expect((await put("one")).status).toBe(200);
    const second = await put("two");
    expect(second.status).toBe(412);
    expect(second.body).toContain("<Code>PreconditionFailed</Code>");
  });
});

describe("release-relay local-s3", () => {
  // Benchmarks run the local S3 in its own process, so its memory is not the uploader's (its peak RSS
  // during a multipart upload is a row of `npm run bench`).
  it("serves its buckets from a process of its own until its stdin closes", async () => {
    const child = spawn(process.execPath, [join(root, "bin/release-relay.js"), "local-s3", "--bucket", B], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (d: Buffer) => resolve(JSON.parse(d.toString()).endpoint));
      child.once("exit", (code) => reject(new Error(`local-s3 exited ${code}`)));
    });
    const remote = new LocalS3();
    remote.endpoint = endpoint;
    const far = remote.client();
    try {
      const body = Buffer.from("served from another process\n");
      await far.send(
        new PutObjectCommand({ Bucket: B, Key: "far.txt", Body: body, ChecksumAlgorithm: "SHA256" }),
      );
      const head = await far.send(
        new HeadObjectCommand({ Bucket: B, Key: "far.txt", ChecksumMode: "ENABLED" }),
      );
      expect([head.ContentLength, head.ChecksumSHA256]).toEqual([body.length, sha256b64(body)]);
    } finally {
      far.destroy();
      child.stdin.end();
    }
    expect(await exited).toBe(0);
  });
});

function createReadStreamOf(body: Buffer) {
  return Readable.from([body.subarray(0, 1000), body.subarray(1000)]);
}
