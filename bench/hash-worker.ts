// Child process of the benchmark: hashes the files given as arguments with release-relay's hashing,
// then prints the wall time and this process's peak RSS as JSON.
import { hashFiles } from "../src/adapters/storage/hashing.js";

const files = process.argv.slice(2);
const start = performance.now();
await hashFiles(files, ["sha256"]);
const ms = performance.now() - start;
process.stdout.write(`${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
