import { LocalS3 } from "../rehearsal/s3/local-s3.js";
import { defineCommand } from "./command-line/command.js";

/**
 * `release-relay local-s3 --bucket NAME…`: serves the local S3 on 127.0.0.1 until stdin closes or
 * SIGTERM; prints `{"endpoint": …}` once ready. Benchmarks run it in its own process.
 */
export const localS3Command = defineCommand({
  name: "local-s3",
  summary: "serve a local S3 (with checksums and conditional writes) on 127.0.0.1",
  options: {
    bucket: { type: "string", value: "NAME", multiple: true, default: [], description: "a bucket to create" },
  },
  example: "release-relay local-s3 --bucket downloads.example.test",
  run: async ({ values }, out) => {
    const s3 = new LocalS3();
    const endpoint = await s3.start(values.bucket as string[]);
    out(JSON.stringify({ endpoint, buckets: values.bucket }));
    await new Promise<void>((resolve) => {
      process.once("SIGTERM", resolve);
      process.once("SIGINT", resolve);
      process.stdin.once("end", resolve);
      process.stdin.resume();
    });
    await s3.stop();
    return 0;
  },
});
