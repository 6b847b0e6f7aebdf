// Counts the regular files in a .tar.gz, .tar or .zip, reading only headers (tar data is skipped as it
// streams by; a zip's central directory is read entry by entry). It says what the archive holds and
// decides nothing about it.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import type { ArchiveFormat } from "../../core/artifacts/artifact-contents.js";

const BLOCK = 512;

/**
 * The regular files in an archive, counted up to `atMost` (counting stops there, so a large archive
 * is not read whole); undefined when the bytes are not the format named.
 */
export async function countArchiveFiles(
  path: string,
  format: ArchiveFormat,
  atMost = Number.POSITIVE_INFINITY,
): Promise<number | undefined> {
  return format === "zip" ? countZipFiles(path, atMost) : countTarFiles(path, format === "tar.gz", atMost);
}

/** A ustar header's checksum: its bytes summed with the checksum field read as spaces. */
function checksumMatches(header: Buffer): boolean {
  const stored = Number.parseInt(header.toString("latin1", 148, 156).replace(/[\0 ]+$/, ""), 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (header[i] as number);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** An entry's data size: octal, or GNU base-256 for sizes past 8 GiB. */
function entrySize(header: Buffer): number {
  const field = header.subarray(124, 136);
  if (((field[0] as number) & 0x80) !== 0) {
    let size = (field[0] as number) & 0x7f;
    for (let i = 1; i < field.length; i++) size = size * 256 + (field[i] as number);
    return size;
  }
  return Number.parseInt(
    field
      .toString("latin1")
      .replace(/[\0 ]+$/, "")
      .trim() || "0",
    8,
  );
}

// '0', NUL (pre-POSIX) and '7' (contiguous) hold a file's bytes; directories, links, devices, pax
// ('x', 'g') and GNU long-name ('L', 'K') headers do not.
const REGULAR = new Set([0x30, 0x00, 0x37]);

async function countTarFiles(path: string, gzipped: boolean, atMost: number): Promise<number | undefined> {
  const file = createReadStream(path);
  const source = gzipped ? file.pipe(createGunzip()) : file;
  let pending: Buffer = Buffer.alloc(0);
  let skip = 0;
  let count = 0;
  let headers = 0;
  try {
    for await (const chunk of source) {
      let bytes = chunk as Buffer;
      if (skip > 0) {
        const n = Math.min(skip, bytes.length);
        skip -= n;
        bytes = bytes.subarray(n);
      }
      pending = pending.length > 0 ? Buffer.concat([pending, bytes]) : bytes;
      while (skip === 0 && pending.length >= BLOCK) {
        const header = pending.subarray(0, BLOCK);
        pending = pending.subarray(BLOCK);
        // A zero block ends the archive.
        if (header.every((b) => b === 0)) return count;
        if (!checksumMatches(header)) return headers === 0 ? undefined : count;
        headers++;
        if (REGULAR.has(header[156] as number)) count++;
        if (count >= atMost) return count;
        const data = Math.ceil(entrySize(header) / BLOCK) * BLOCK;
        const n = Math.min(data, pending.length);
        pending = pending.subarray(n);
        skip = data - n;
      }
    }
  } catch {
    // Not gzip, or cut short: what was read is what the archive holds.
  } finally {
    source.destroy();
    file.destroy();
  }
  return headers === 0 ? undefined : count;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;

async function countZipFiles(path: string, atMost: number): Promise<number | undefined> {
  const handle = await open(path, "r");
  const read = async (position: number, length: number): Promise<Buffer> => {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  };
  try {
    const { size } = await handle.stat();
    // The end record is the last 22 bytes, followed by a comment of at most 65535.
    const tailStart = Math.max(0, size - 22 - 0xffff);
    const tail = await read(tailStart, size - tailStart);
    let end = -1;
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === EOCD) {
        end = i;
        break;
      }
    if (end === -1) return undefined;
    let entries = tail.readUInt16LE(end + 10);
    let offset = tail.readUInt32LE(end + 16);
    if (
      (entries === 0xffff || offset === 0xffffffff) &&
      end >= 20 &&
      tail.readUInt32LE(end - 20) === ZIP64_LOCATOR
    ) {
      const record = await read(Number(tail.readBigUInt64LE(end - 20 + 8)), 56);
      if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) return undefined;
      entries = Number(record.readBigUInt64LE(32));
      offset = Number(record.readBigUInt64LE(48));
    }
    let count = 0;
    for (let i = 0; i < entries && count < atMost; i++) {
      const header = await read(offset, 46);
      if (header.length < 46 || header.readUInt32LE(0) !== CENTRAL_ENTRY) return undefined;
      const nameLength = header.readUInt16LE(28);
      const name = await read(offset + 46, nameLength);
      if (!name.toString("utf8").endsWith("/")) count++;
      offset += 46 + nameLength + header.readUInt16LE(30) + header.readUInt16LE(32);
    }
    return count;
  } finally {
    await handle.close();
  }
}
