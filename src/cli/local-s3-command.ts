import { LocalS3 } from "../rehearsal/s3/local-s3.js";
import type { Command } from "./cli-args.js";
import { parseFlags } from "./cli-args.js";

/**
 * `release-relay local-s3 --bucket NAME…`: serves the local S3 on 127.0.0.1 until stdin closes or
 * SIGTERM; prints `{"endpoint": …}` once ready. Benchmarks run it in its own process.
 */
export const localS3Command: Command = async (args, out) => {
  const { values } = parseFlags(
    args,
    { bucket: { type: "string", multiple: true, default: [] } },
    "local-s3",
  );
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
};
