import { Writable } from "node:stream";

/**
 * Decodes an `aws-chunked` request body (what the AWS SDK sends for streamed uploads with a
 * trailing checksum): `<hex size>[;ext]\r\n<data>\r\n` … `0\r\n<trailer>:<value>\r\n\r\n`.
 * Decoded data goes to `onData`; trailers are collected.
 */
export class AwsChunkedDecoder extends Writable {
  readonly trailers: Record<string, string> = {};
  private buffer: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private phase: "size" | "data" | "data-crlf" | "trailers" | "done" = "size";

  constructor(private readonly onData: (chunk: Buffer) => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback(
      this.phase === "done" || (this.phase === "trailers" && this.buffer.length === 0)
        ? null
        : new Error("aws-chunked body ended early"),
    );
  }

  private line(): string | undefined {
    const end = this.buffer.indexOf("\r\n");
    if (end === -1) {
      if (this.buffer.length > 4096) throw new Error("aws-chunked header line too long");
      return undefined;
    }
    const text = this.buffer.subarray(0, end).toString("latin1");
    this.buffer = this.buffer.subarray(end + 2);
    return text;
  }

  private drain(): void {
    for (;;) {
      if (this.phase === "size") {
        const line = this.line();
        if (line === undefined) return;
        const size = Number.parseInt(line.split(";")[0] as string, 16);
        if (!Number.isFinite(size) || size < 0)
          throw new Error(`bad aws-chunked size line ${JSON.stringify(line)}`);
        this.remaining = size;
        this.phase = size === 0 ? "trailers" : "data";
      } else if (this.phase === "data") {
        if (this.buffer.length === 0) return;
        const take = Math.min(this.remaining, this.buffer.length);
        this.onData(this.buffer.subarray(0, take));
        this.buffer = this.buffer.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.phase = "data-crlf";
      } else if (this.phase === "data-crlf") {
        if (this.buffer.length < 2) return;
        this.buffer = this.buffer.subarray(2);
        this.phase = "size";
      } else if (this.phase === "trailers") {
        const line = this.line();
        if (line === undefined) return;
        if (line === "") {
          this.phase = "done";
          return;
        }
        const colon = line.indexOf(":");
        if (colon > 0)
          this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      } else {
        return;
      }
    }
  }
}
