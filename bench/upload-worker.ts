// Child process of the benchmark: uploads one file to an S3 endpoint either with release-relay's
// uploader or with the SDK's default Upload, then prints wall time and peak RSS as JSON.
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
const start = performance.now();
if (mode === "release-relay") {
  await uploadImmutable(client, bucket, {
    key: `bench/${mode}-${Date.now()}`,
    file,
    sha256,
    size,
    contentType: "application/octet-stream",
    cacheControl: "no-cache",
  });
} else {
  await new Upload({
    client,
    params: { Bucket: bucket, Key: `bench/${mode}-${Date.now()}`, Body: createReadStream(file) },
  }).done();
}
const ms = performance.now() - start;
client.destroy();
process.stdout.write(`${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
