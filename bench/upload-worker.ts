// Child process of the benchmark: uploads one file to an S3 endpoint with release-relay's uploader
// (mode `release-relay`) or with the SDK's Upload (`sdk-default`, or `sdk:<part MiB>:<queue size>`,
// with `:SHA256` to send SHA-256 part checksums as release-relay does),
// then prints wall time and this process's peak RSS as JSON.
import { createReadStream, statSync } from "node:fs";
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { uploadImmutable } from "../src/adapters/storage/s3.js";

const [endpoint, bucket, file, mode, sha256] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
});
const size = statSync(file).size;
const key = `bench/${mode.replace(/:/g, "-")}-${Date.now()}`;
const start = performance.now();
if (mode === "release-relay") {
  await uploadImmutable(client, bucket, {
    key,
    file,
    sha256,
    size,
    contentType: "application/octet-stream",
    cacheControl: "no-cache",
  });
} else {
  const [, partMiB, queueSize, checksum] = mode.split(":");
  await new Upload({
    client,
    params: {
      Bucket: bucket,
      Key: key,
      Body: createReadStream(file),
      ...(checksum === "SHA256" ? { ChecksumAlgorithm: "SHA256" as const } : {}),
    },
    ...(partMiB ? { partSize: Number(partMiB) * 1024 * 1024, queueSize: Number(queueSize) } : {}),
  }).done();
}
const ms = performance.now() - start;
client.destroy();
process.stdout.write(`${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
