import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { buildApp } from "fauxqs";
import type { FaultKind, FaultPlan } from "../github/faults.js";
import { S3ChecksumLayer } from "./s3-layer.js";

/** Credentials the local S3 accepts (it does not check them; real S3 would). */
export const LOCAL_S3_CREDENTIALS = {
  accessKeyId: "release-relay-local",
  secretAccessKey: "release-relay-local-secret",
};

/**
 * A local S3 for tests and the rehearsal: fauxqs (objects in memory) behind the checksum and
 * conditional-write layer, both on 127.0.0.1.
 */
export class LocalS3 {
  private app: ReturnType<typeof buildApp> | undefined;
  private layer: S3ChecksumLayer | undefined;
  endpoint = "";

  /** Starts both servers and creates the buckets; returns the endpoint URL. */
  async start(buckets: readonly string[] = []): Promise<string> {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    this.app = buildApp({ logger: false });
    await this.app.listen({ port: 0, host: "127.0.0.1" });
    const address = this.app.server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    this.layer = new S3ChecksumLayer(port);
    this.endpoint = await this.layer.start();
    const client = this.client();
    for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
    return this.endpoint;
  }

  /** An SDK client for this store (path-style, local credentials). */
  client(): S3Client {
    return new S3Client({
      endpoint: this.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: LOCAL_S3_CREDENTIALS,
    });
  }

  /** The next `count` requests with this method (e.g. "PUT") get this fault. */
  failNext(
    method: string,
    kind: FaultKind,
    options: { phase?: "before" | "after"; count?: number } = {},
  ): void {
    this.layer?.failNext(method, kind, options);
  }

  /** Random faults on every request from now on; undefined: none. */
  setFaults(plan: FaultPlan | undefined): void {
    this.layer?.setFaults(plan);
  }

  /** Every S3 operation the store answered, in order. */
  get operations(): readonly { op: string; key: string; status: number }[] {
    return this.layer?.operations ?? [];
  }

  async stop(): Promise<void> {
    await this.layer?.stop();
    await this.app?.close();
  }
}
