// npm run bench [-- --quick]: measures release-relay against reference tools in the same run and
// prints ratios with their targets. The full run rewrites BENCHMARKS.md.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { cpus, freemem, tmpdir, totalmem } from "node:os";
import { basename, dirname, join } from "node:path";
import { build } from "esbuild";
import { startUpOptions } from "./bundle-start-up.mjs";

const root = new URL("..", import.meta.url).pathname;
const quick = process.argv.includes("--quick") || process.env.CI === "true";
// --only hash,upload,cold-start,api,rehearsal: measure just those parts; a full run then rewrites only
// their rows of BENCHMARKS.md.
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt === -1 ? undefined : (process.argv[onlyAt + 1] ?? "").split(",");
const measures = (part) => only === undefined || only.includes(part);
const MiB = 1024 * 1024;
const big = quick ? 32 * MiB : 1024 * MiB;
const many = quick ? 8 * MiB : 256 * MiB;
const uploadSize = quick ? 32 * MiB : 1024 * MiB;
// Flat in artifact size: release-relay's upload of a 4× larger file (full mode only).
const largeUpload = 4 * uploadSize;
const runs = quick ? 1 : 3;
const work = mkdtempSync(join(tmpdir(), "release-relay-bench-"));
const rows = [];

function makeFile(path, size, seed) {
  const fd = openSync(path, "w");
  const block = Buffer.alloc(4 * MiB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761 + seed) >>> 0, i);
  for (let written = 0; written < size; written += block.length)
    writeSync(fd, block, 0, Math.min(block.length, size - written));
  closeSync(fd);
  // Flush and read once, so no tool pays for write-back or a cold page cache.
  spawnSync("sync");
  execFileSync("cat", [path], { stdio: ["ignore", "ignore", "ignore"] });
}

function time(fn, times = runs) {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * Runs release-relay's side and the reference's in turn, `runs` + 2 times, and keeps the best of
 * each: a burst of load elsewhere on the machine then falls on both, not on one.
 */
function sideBySide(ours, reference) {
  let best;
  for (let i = 0; i < runs + 2; i++) {
    const a = ours();
    const b = reference();
    best = best ? [a.ms < best[0].ms ? a : best[0], Math.min(b, best[1])] : [a, b];
  }
  return best;
}

async function bundle(entry) {
  const out = join(work, `${entry.replace(/\W/g, "_")}.mjs`);
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: out,
    banner: {
      js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);',
    },
    logLevel: "warning",
    // Built as the shipped bundles are, so the workers load what the actions load.
    ...startUpOptions(root),
  });
  return out;
}

const gnuTime = spawnSync("/usr/bin/time", ["-f", "%M", "true"]).status === 0;

/**
 * compute-hashes as a runner starts it (a fresh `node dist/compute-hashes/index.js`) on `files` in
 * their directory: the best run's wall time and its peak RSS (GNU time's, when there is one).
 */
function computeHashes(files, times = runs) {
  const dir = dirname(files[0]);
  const env = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_STEP_SUMMARY: join(dir, "summary"),
    INPUT_ARTIFACTS: files.map((f) => basename(f)).join("\n"),
  };
  const rssFile = join(dir, "rss");
  const command = gnuTime
    ? [
        "/usr/bin/time",
        ["-f", "%M", "-o", rssFile, process.execPath, join(root, "dist/compute-hashes/index.js")],
      ]
    : [process.execPath, [join(root, "dist/compute-hashes/index.js")]];
  let best;
  for (let i = 0; i < times; i++) {
    writeFileSync(env.GITHUB_OUTPUT, "");
    writeFileSync(env.GITHUB_STEP_SUMMARY, "");
    const start = performance.now();
    const run = spawnSync(command[0], command[1], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    const ms = performance.now() - start;
    if (run.status !== 0) throw new Error(`compute-hashes failed: ${run.stdout}${run.stderr}`);
    const maxRssMb = gnuTime
      ? Number(readFileSync(rssFile, "utf8").trim().split("\n").at(-1)) / 1024
      : undefined;
    if (!best || ms < best.ms) best = { ms, maxRssMb };
  }
  for (const f of ["SHA256SUMS", "hashes.json", ...files.map((f) => `${basename(f)}.sha256`)])
    rmSync(join(dir, f), { force: true });
  return best;
}

/** A peak or current RSS (VmHWM, VmRSS) of a process in MB, from /proc; undefined where there is none. */
function vm(pid, field) {
  const path = `/proc/${pid}/status`;
  if (!existsSync(path)) return undefined;
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(readFileSync(path, "utf8"))?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}

/**
 * Uploads `file` with the upload worker in `mode`, each run to a local S3 started for it (`release-relay
 * local-s3`, a process of its own); the best run's time and uploader RSS, with how far that run raised
 * the local S3's peak RSS over its idle RSS (serverMb).
 */
async function uploadToFreshS3(worker, file, mode, sha, times = runs) {
  let best;
  for (let i = 0; i < times; i++) {
    const server = spawn(
      process.execPath,
      [join(root, "bin/release-relay.js"), "local-s3", "--bucket", "bench"],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    const exited = new Promise((resolve) => server.once("exit", resolve));
    try {
      const endpoint = await new Promise((resolve, reject) => {
        server.stdout.once("data", (d) => resolve(JSON.parse(d.toString()).endpoint));
        server.once("exit", (c) => reject(new Error(`local-s3 exited ${c}`)));
      });
      const idle = vm(server.pid, "VmRSS");
      const out = execFileSync(process.execPath, [worker, endpoint, "bench", file, mode, sha], {
        maxBuffer: 1 << 20,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        stdio: ["ignore", "pipe", "inherit"],
      }).toString();
      const peak = vm(server.pid, "VmHWM");
      const r = JSON.parse(out.trim().split("\n").at(-1));
      r.serverMb = idle === undefined || peak === undefined ? undefined : peak - idle;
      if (!best || r.ms < best.ms) best = r;
    } finally {
      server.stdin.end();
      // Its memory is given back before the next upload starts.
      await exited;
    }
  }
  return best;
}

/** The parts of the benchmark, in the order they run and are listed. */
const PARTS = ["api", "hash", "upload", "rehearsal", "cold-start"];

/** Which part a row belongs to, by its name. */
function partOf(name) {
  for (const part of ["hash", "upload", "rehearsal"])
    if (name.startsWith(`${part} `) || name.startsWith(`${part}:`)) return part;
  return name.startsWith("cold start:") ? "cold-start" : "api";
}

/** BENCHMARKS.md's rows of the parts this run does not measure (none without --only). */
function previousRows() {
  if (only === undefined) return [];
  const path = join(root, "BENCHMARKS.md");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  // The measures' table is the first one; the Reliability section's are kept as they are.
  const table = text.slice(0, text.indexOf("\nReferences:") >>> 0);
  return table
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| Measure ") && !line.startsWith("| ---"))
    .map((line) => {
      const [name, value, target, state, note] = line.slice(2, -2).split(" | ");
      return { name, value, target, pass: state === "INFO" ? null : state === "PASS", note };
    })
    .filter((r) => !measures(partOf(r.name)));
}

/** The "## Reliability" part of BENCHMARKS.md, written by hand from `npm run reliability`. */
function reliabilitySection() {
  const path = join(root, "BENCHMARKS.md");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const at = text.indexOf("\n## Reliability");
  return at === -1 ? "" : text.slice(at);
}

/** PASS, FAIL, or INFO for a row measured but not held to a target (pass null). */
const status = (pass) => (pass === null ? "INFO" : pass ? "PASS" : "FAIL");

function row(name, value, target, pass, note = "") {
  rows.push({ name, value, target, pass, note });
  console.log(
    `${status(pass)}  ${name.padEnd(52)} ${value.padEnd(18)} target ${target}${note ? `  (${note})` : ""}`,
  );
}

try {
  console.log(
    `release-relay benchmarks (${quick ? "quick" : "full"}): ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}\n`,
  );
  if (measures("api")) {
    const apiWorker = await bundle("bench/api-calls.ts");
    const api = JSON.parse(
      execFileSync(process.execPath, [
        apiWorker,
        join(root, "examples/valkey/release-relay.yml"),
        join(root, "test/fixtures/valkey"),
      ]).toString(),
    );
    for (const p of api.perPr) {
      row(
        `GitHub calls to open the ${p.downstream} PR`,
        `${p.calls} calls`,
        // The base and its files in one query, the branch, the signed commit, the pull.
        "≤ 4",
        p.outcome === "opened" && p.calls <= 4,
        `${p.files} file(s) changed, ${p.outcome}`,
      );
    }
    row(
      "mutating GitHub calls on an identical rerun",
      `${api.rerunMutating}`,
      "= 0",
      api.rerunMutating === 0,
      `${api.rerunTotal} reads`,
    );
  }
  if (measures("hash")) {
    // Small files (quick mode) measure Node.js's start against openssl's, not hashing: informational.
    const held = (target, ok) => (quick ? ["informational (quick)", null] : [target, ok]);
    const single = join(work, "single.bin");
    makeFile(single, big, 1);
    const [ours, openssl] = sideBySide(
      () => computeHashes([single], 1),
      () => time(() => execFileSync("openssl", ["dgst", "-sha256", single]), 1),
    );
    const coreutils = time(() => execFileSync("sha256sum", [single]));
    const label = `${big / MiB} MiB`;
    row(
      `hash 1 × ${label}: vs openssl dgst -sha256`,
      `${(openssl / ours.ms).toFixed(2)}×`,
      ...held("≥ 0.95×", openssl / ours.ms >= 0.95),
      `${ours.ms.toFixed(0)} ms vs ${openssl.toFixed(0)} ms`,
    );
    row(
      `hash 1 × ${label}: vs sha256sum`,
      `${(coreutils / ours.ms).toFixed(2)}×`,
      ...held("≥ 1.0×", coreutils / ours.ms >= 1),
      `${coreutils.toFixed(0)} ms`,
    );
    if (ours.maxRssMb !== undefined)
      row(`hash 1 × ${label}: peak RSS`, `${ours.maxRssMb.toFixed(0)} MB`, "< 150 MB", ours.maxRssMb < 150);
    rmSync(single);

    const files = Array.from({ length: 6 }, (_, i) => join(work, `part-${i}.bin`));
    for (const [i, f] of files.entries()) makeFile(f, many, i + 7);
    const sequentially = (tool, args) => () => {
      for (const f of files) execFileSync(tool, [...args, f]);
    };
    const seqOpenssl = time(sequentially("openssl", ["dgst", "-sha256"]));
    const seqCoreutils = time(sequentially("sha256sum", []));
    // What the machine can do at best: one openssl per core, each on its share of the files.
    const cores = Math.min(cpus().length, files.length);
    const share = (i) => files.filter((_, j) => j % cores === i);
    const script = `${Array.from({ length: cores }, (_, i) => `openssl dgst -sha256 ${share(i).join(" ")} >/dev/null &`).join(" ")} wait`;
    const [parallel, parOpenssl] = sideBySide(
      () => computeHashes(files, 1),
      () => time(() => spawnSync("sh", ["-c", script]), 1),
    );
    const label6 = `6 × ${many / MiB} MiB`;
    row(
      `hash ${label6}: vs sequential openssl`,
      `${(seqOpenssl / parallel.ms).toFixed(2)}×`,
      ...held("≥ 1.7×", seqOpenssl / parallel.ms >= 1.7),
      `${parallel.ms.toFixed(0)} ms vs ${seqOpenssl.toFixed(0)} ms`,
    );
    row(
      `hash ${label6}: vs ${cores} openssl in parallel`,
      `${(parOpenssl / parallel.ms).toFixed(2)}×`,
      ...held("≥ 0.9×", parOpenssl / parallel.ms >= 0.9),
      `${parOpenssl.toFixed(0)} ms: the machine's ceiling`,
    );
    row(
      `hash ${label6}: vs sequential sha256sum`,
      `${(seqCoreutils / parallel.ms).toFixed(2)}×`,
      ...held("≥ 1.0×", seqCoreutils / parallel.ms >= 1),
      `${seqCoreutils.toFixed(0)} ms`,
    );
    if (parallel.maxRssMb !== undefined)
      row(
        `hash ${label6}: peak RSS`,
        `${parallel.maxRssMb.toFixed(0)} MB`,
        "< 150 MB",
        parallel.maxRssMb < 150,
      );
    for (const f of files) rmSync(f);
  }

  if (measures("upload")) {
    // The local S3 runs in its own process: its memory (objects are kept in RAM) is not the uploader's.
    // Each upload gets a fresh one, so its peak RSS is that upload's alone, and only one object is
    // held at a time.
    const uploadWorker = await bundle("bench/upload-worker.ts");
    const blob = join(work, "upload.bin");
    makeFile(blob, uploadSize, 99);
    const sha = execFileSync("sha256sum", [blob]).toString().slice(0, 64);
    const labelU = `${uploadSize / MiB} MiB`;
    // The local S3 bounds both uploaders here, so the reference is the fastest of the SDK's Upload
    // configurations against it (fauxqs refuses parts over 11 MiB); 5 MiB × 4 is the SDK's default.
    const configurations = quick
      ? ["sdk:5:4"]
      : [5, 8, 10].flatMap((part) => [2, 4, 6].map((queue) => `sdk:${part}:${queue}`));
    const sdk = new Map();
    for (const mode of configurations) sdk.set(mode, await uploadToFreshS3(uploadWorker, blob, mode, sha, 1));
    const mine = await uploadToFreshS3(uploadWorker, blob, "release-relay", sha);
    const [fastest] = [...sdk.entries()].sort((x, y) => x[1].ms - y[1].ms)[0];
    if (!quick)
      row(
        `upload ${labelU}: SDK Upload configurations`,
        `${sdk.size} measured`,
        "reference: the fastest",
        null,
        `part MiB × in flight: ${[...sdk].map(([m, r]) => `${m.slice(4).replace(":", " × ")} ${r.ms.toFixed(0)} ms / ${r.maxRssMb.toFixed(0)} MB`).join(", ")}`,
      );
    // The fastest and the default get as many runs as release-relay's uploader.
    for (const mode of new Set([fastest, "sdk:5:4"])) {
      const again = await uploadToFreshS3(uploadWorker, blob, mode, sha, runs - 1);
      if (again && again.ms < sdk.get(mode).ms) sdk.set(mode, again);
    }
    // The SDK's Upload with release-relay's settings: what its SHA-256 part checksums cost here.
    const sameSettings = quick
      ? undefined
      : await uploadToFreshS3(uploadWorker, blob, "sdk:6:3:SHA256", sha, 1);
    const reference = sdk.get(fastest);
    const sdkDefault = sdk.get("sdk:5:4");
    const [, part, queue] = fastest.split(":");
    // The fastest configuration that keeps to the memory target: whether the two targets can meet here.
    const frugal = [...sdk.entries()]
      .filter(([, r]) => r.maxRssMb <= sdkDefault.maxRssMb + 10)
      .sort((x, y) => x[1].ms - y[1].ms)[0];
    const mibPerS = (r, size) => size / MiB / (r.ms / 1000);
    // A 32 MiB upload is mostly fixed costs (the HEAD before, the read-back after): informational.
    const pass = (ok) => (quick ? null : ok);
    row(
      `upload ${labelU} to local S3: vs fastest SDK Upload`,
      `${(reference.ms / mine.ms).toFixed(2)}×`,
      quick ? "informational (quick)" : "≥ 0.95×",
      pass(reference.ms / mine.ms >= 0.95),
      `${mine.ms.toFixed(0)} ms vs ${reference.ms.toFixed(0)} ms (${part} MiB parts, ${queue} in flight, fastest of ${configurations.length}); SDK default ${sdkDefault.ms.toFixed(0)} ms` +
        `${sameSettings ? `, SDK with release-relay's 6 MiB × 3 and SHA-256 part checksums ${sameSettings.ms.toFixed(0)} ms` : ""}; incl. HEAD before and read-back`,
    );
    row(
      `upload ${labelU}: uploader peak RSS`,
      `${mine.maxRssMb.toFixed(0)} MB`,
      quick ? "informational (quick)" : "≤ SDK default + 10 MB",
      pass(mine.maxRssMb <= sdkDefault.maxRssMb + 10),
      `SDK default: ${sdkDefault.maxRssMb.toFixed(0)} MB, fastest SDK configuration: ${reference.maxRssMb.toFixed(0)} MB` +
        (frugal && !quick
          ? `; the fastest within SDK default + 10 MB, ${frugal[0].slice(4).replace(":", " × ")}, is ${(reference.ms / frugal[1].ms).toFixed(2)}× the fastest`
          : ""),
    );
    if (mine.serverMb === undefined || sdkDefault.serverMb === undefined)
      console.log("(no /proc: the local S3's peak RSS is measured on Linux only)");
    else
      row(
        `upload ${labelU}: local S3 peak RSS, vs SDK default`,
        `${(sdkDefault.serverMb / mine.serverMb).toFixed(2)}×`,
        quick ? "informational (quick)" : "≥ 0.9×",
        pass(sdkDefault.serverMb / mine.serverMb >= 0.9),
        `${mine.serverMb.toFixed(0)} MB over idle vs ${sdkDefault.serverMb.toFixed(0)} MB, ${(mine.serverMb / (uploadSize / MiB)).toFixed(2)}× the object it keeps in memory`,
      );
    rmSync(blob);

    // Flat in artifact size: the same uploader on a 4× larger file. The local S3 keeps it in memory
    // (a few times its size), so it runs only with room to spare.
    const labelL = `${largeUpload / MiB} MiB`;
    if (quick) console.log("(quick: the large upload is measured by the full run only)");
    else if (freemem() < 4 * largeUpload)
      console.log(
        `(skipped the ${labelL} upload: ${(freemem() / 2 ** 30).toFixed(1)} GiB free, it needs ${(4 * largeUpload) / 2 ** 30})`,
      );
    else {
      makeFile(blob, largeUpload, 98);
      const shaL = execFileSync("sha256sum", [blob]).toString().slice(0, 64);
      const large = await uploadToFreshS3(uploadWorker, blob, "release-relay", shaL, 1);
      // The same for the SDK's default Upload: how much of a change is the local S3's own.
      const largeSdk = await uploadToFreshS3(uploadWorker, blob, "sdk:5:4", shaL, 1);
      rmSync(blob);
      const speed = mibPerS(large, largeUpload) / mibPerS(mine, uploadSize);
      row(
        `upload ${labelL} vs ${labelU}: throughput`,
        `${speed.toFixed(2)}×`,
        "within 10 %",
        Math.abs(speed - 1) <= 0.1,
        `${mibPerS(large, largeUpload).toFixed(0)} MiB/s vs ${mibPerS(mine, uploadSize).toFixed(0)} MiB/s; SDK default: ${mibPerS(largeSdk, largeUpload).toFixed(0)} vs ${mibPerS(sdkDefault, uploadSize).toFixed(0)} MiB/s`,
      );
      row(
        `upload ${labelL} vs ${labelU}: uploader peak RSS`,
        `${(large.maxRssMb / mine.maxRssMb).toFixed(2)}×`,
        "within 10 %",
        Math.abs(large.maxRssMb / mine.maxRssMb - 1) <= 0.1,
        `${large.maxRssMb.toFixed(0)} MB vs ${mine.maxRssMb.toFixed(0)} MB; SDK default: ${largeSdk.maxRssMb.toFixed(0)} vs ${sdkDefault.maxRssMb.toFixed(0)} MB`,
      );
    }
  }

  // A whole rehearsed release (the example, through the real workflow files), then its rerun; the
  // quick mode leaves it to the e2e tests, which assert the same zero-write rerun.
  if (quick) console.log("(quick: rehearsal rows are measured by the full run only)");
  else if (measures("rehearsal")) {
    const rehearse = (world, extra = []) =>
      execFileSync(
        process.execPath,
        [join(root, "bin/release-relay.js"), "rehearse", "--json", "--keep", world, ...extra],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
    // `runs` releases, each in its own world: the wall time is the best of them, as every other
    // time here; the calls are the most any of them made (reports racing move them by a few).
    const releases = Array.from({ length: runs }, (_, i) => {
      const world = join(work, `rehearsal-${i}`);
      rehearse(world);
      return { world, summary: JSON.parse(readFileSync(join(world, "summary.json"), "utf8")) };
    });
    const fastest = releases.reduce((a, b) =>
      b.summary.durationsMs.orchestration < a.summary.durationsMs.orchestration ? b : a,
    ).summary;
    const releaseWithMost = (count) =>
      releases.map((r) => r.summary).reduce((a, b) => (count(b) > count(a) ? b : a));
    const mostCalls = releaseWithMost((s) => s.apiCalls.total);
    const mostMutating = Math.max(...releases.map((r) => r.summary.apiCalls.mutating));
    const world = releases[0].world;
    const walls = releases
      .map((r) => `${(r.summary.durationsMs.orchestration / 1000).toFixed(1)} s`)
      .join(", ");
    row(
      "rehearsal: orchestration wall time (builds excluded)",
      `${(fastest.durationsMs.orchestration / 1000).toFixed(1)} s`,
      "≤ 10 s",
      fastest.durationsMs.orchestration <= 10_000,
      `best of ${runs} (${walls}); ${(fastest.durationsMs.builds / 1000).toFixed(1)} s building, ${fastest.apiCalls.total} API calls (${fastest.apiCalls.mutating} mutating) for the release`,
    );
    const perRelease = mostCalls.apiCalls.total;
    row(
      "rehearsal: GitHub calls for the whole release",
      `${perRelease} calls`,
      "≤ 150",
      perRelease <= 150,
      `the most of ${runs} releases (${releases.map((r) => r.summary.apiCalls.total).join(", ")}): the doctor, 3 downstream PRs, tracking issue, ledger, 7 downstream reports, live progress`,
    );
    row(
      "rehearsal: mutating GitHub calls for the whole release",
      String(mostMutating),
      "≤ 60",
      mostMutating <= 60,
      "calls that changed something: one ledger write and one issue update per stage transition or report",
    );
    // GitHub's secondary limit counts content-creating requests (REST POST, PATCH, PUT, DELETE and
    // GraphQL mutations; refused ones too, as far as its docs say) per identity: the release App
    // makes nearly all of them, the dispatch and report Apps the rest.
    const mostCreating = releaseWithMost((s) =>
      Math.max(...Object.values(s.apiCalls.byLogin).map((n) => n.contentCreating)),
    );
    const identities = Object.entries(mostCreating.apiCalls.byLogin).sort(
      (a, b) => b[1].contentCreating - a[1].contentCreating,
    );
    const [busiest, most] = identities[0];
    row(
      "rehearsal: content-creating calls, ten releases in an hour",
      `${most.contentCreating} per release (${busiest})`,
      "≤ 50 per identity (ten an hour within 500)",
      10 * most.contentCreating <= 500,
      `10 × ${most.contentCreating} = ${10 * most.contentCreating} of GitHub's 500 an hour (${Math.round((10 * most.contentCreating * 100) / 500)} %), ${most.mutating} of them changed something and ${most.contentCreating - most.mutating} were refused (the doctor's probes; compare-and-swaps lost to reports arriving at once); ${mostCreating.apiCalls.contentCreating} in all: ${identities.map(([l, n]) => `${l} ${n.contentCreating}`).join(", ")}`,
    );
    rehearse(world, ["--resume"]);
    const again = JSON.parse(readFileSync(join(world, "summary.json"), "utf8"));
    row(
      "rehearsal: mutating GitHub calls when rerun after success",
      String(again.apiCalls.mutating),
      "0",
      again.apiCalls.mutating === 0,
      `${again.apiCalls.total} read calls`,
    );
  }

  // Cold start of each bundled action, each measured in its own process (no state shared between
  // them), against `node -e 0` measured in turn with it: what Node.js costs before any code runs.
  if (measures("cold-start")) {
    for (const action of [
      "trigger",
      "build-matrix",
      "compute-hashes",
      "sign-upload",
      "open-downstream-prs",
      "track-status",
    ]) {
      const out = execFileSync(process.execPath, [
        join(root, "bench/cold-start.mjs"),
        // The quick run (npm test's) checks that each action starts; the full run measures how fast.
        String(quick ? 2 : Math.max(runs, 5)),
        action,
      ]).toString();
      const measured = JSON.parse(out.trim().split("\n").at(-1));
      const r = measured[action];
      const bare = measured["node -e 0"];
      const over = r.ms - bare.ms;
      row(
        `cold start: ${action}`,
        `+${over.toFixed(0)} ms`,
        "≤ node -e 0 + 100 ms",
        r.how !== "timeout" && over <= 100,
        `${r.ms.toFixed(0)} ms vs ${bare.ms.toFixed(0)} ms, ${r.how === "exit" ? "to exit (makes no request)" : "node dist/…/index.js to its first request"}`,
      );
    }
  }

  if (!quick) {
    const table = [...previousRows(), ...rows]
      .sort((x, y) => PARTS.indexOf(partOf(x.name)) - PARTS.indexOf(partOf(y.name)))
      .map((r) => `| ${r.name} | ${r.value} | ${r.target} | ${status(r.pass)} | ${r.note} |`)
      .join("\n");
    writeFileSync(
      join(root, "BENCHMARKS.md"),
      `# Benchmarks\n\nMeasured by \`npm run bench\` (full mode) on ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ` +
        `${new Date().toISOString().slice(0, 10)}${only === undefined ? "" : ` (the ${only.join(", ")} rows; the others as an earlier run left them)`}. Every ratio compares release-relay with a reference measured in the same run (best of ${runs}); ` +
        "memory is the peak RSS of the process doing the work. `npm run bench -- --quick` uses smaller files and does not rewrite this file.\n\n" +
        `| Measure | Result | Target | | Detail |\n| --- | --- | --- | --- | --- |\n${table}\n\n` +
        "References: `openssl dgst -sha256` and GNU `sha256sum` on the same files, against compute-hashes run as a runner runs it " +
        "(a fresh `node dist/compute-hashes/index.js`, its start included; its peak RSS from GNU time). `aws s3 cp` is not a reference here: " +
        "AWS CLI v1 times out on multipart uploads to the local S3 and a single PUT of this size is more than the local S3 accepts, so the SDK's " +
        "own uploader stands in for it: the AWS SDK's `Upload` in nine configurations (5, 8 or 10 MiB parts × 2, 4 or 6 in flight; the default " +
        "is 5 MiB × 4), the fastest of them the reference, against the same local S3 (fauxqs behind release-relay's checksum layer, in its own " +
        "process). release-relay's upload also sends SHA-256 part checksums, refuses to overwrite (If-None-Match), looks the key up first " +
        "and reads the object back. Each upload goes to a local S3 started for it, so it holds one object at a time; " +
        "its peak RSS is how far that upload raised the local S3's peak RSS (VmHWM) above its idle RSS. Cold starts are each " +
        "action's `node dist/<action>/index.js` to its first request (or exit), against `node -e 0` in the same run.\n\n" +
        "## Reading the failures\n\n" +
        "- **Hashing**: for several files the reference is one `openssl` per core, the most this machine can do. compute-hashes hashes " +
        "as fast as `openssl` once running (the process's own thread and a worker per further core; alone, its next read overlaps the " +
        "hashing); what it adds is Node.js starting (`node -e 0` alone is about 45 ms here) and loading its bundle, about 60 ms before the " +
        "first byte is hashed. Both sides take turns, best of five, but other work on the 2 cores moves these ratios by 10 % or more.\n" +
        "- **Upload**: both uploaders are limited by the local S3 server (fauxqs and the checksum layer in one process on the same 2 cores), " +
        "and runs of one configuration vary by several percent (the configurations row lists each). release-relay's uploader is the SDK's " +
        "`Upload` with 6 MiB parts, 3 in flight and SHA-256 part checksums (which the local S3 checks on every part), plus a HEAD before and " +
        "after; the row gives the SDK's own time with those settings. More and larger parts in flight are faster here and take more memory: " +
        "the peak RSS row names the fastest configuration that keeps within the SDK default's + 10 MB and how far it is from the fastest, " +
        "so whether the two upload targets can both be met by any part size and queue on this machine. release-relay keeps 3 parts of 6 MiB " +
        "in flight so its memory does not grow with the artifact (peak RSS varies by about 10 MB from run to run). The 4 GiB object slows the local S3 itself (it keeps the object in memory, several GB), as the SDK " +
        "default's own 1 → 4 GiB figures show.\n" +
        "- **Calls per PR**: a new PR costs 4 calls whatever the number of edited files: one GraphQL query (`pullRequestBase`) reads the base branch (the default branch when `base-branch` is not configured), every edited file at that same head (up to eight; a binary file or one GraphQL cuts short is read again through its blob) and the release branch; then the release branch created at the base, one `createCommitOnBranch` (GraphQL; GitHub signs the commit) and the pull request. The query's look at the release branch is what makes an identical rerun free of writes, and a branch an unrecorded run left is reconciled from it; where the base is read through REST, the release workflow passes the PRs the ledger recorded so that a first attempt does not look for the branch (creating it fails if an unrecorded run left one, which is then looked up and reconciled). An executable file commits through the Git Data API (tree, commit, ref): 5. Where GraphQL cannot read (`mode: push`, a GitHub Enterprise Server without the mutation) the base branch and each file are read through REST, one more call to learn the default branch: 5 + files. A ledger append is 2 calls (one GraphQL query for the head and `ledger.json` there, one `createCommitOnBranch`), 6 through the Git Data API (ref, file, base commit, tree, commit, ref update); a known event 1.\n" +
        "- **Calls per release**: a rehearsed release makes about 149 API calls (a few more or fewer as reports race), 51 mutating; 7 of them (3 mutating) keep the source repo's GitHub Release: the notes file read and the draft created at the request, then the releases listed, the notes read, the release published and its publication appended to the ledger. About 100 are track-status's: 13 ledger writes of 4 calls each (the ledger read, the commit, the issue update, a look at the head), the ledger the plan's claim and each downstream report read first, what a report is checked against (the run that sent it, the PR), and the run's jobs. The doctor makes 22 (8 of them permission probes GitHub refuses), the three PRs 12 (4 each). A clone's access check and the source archive's download are git and web traffic, not API calls, and are not counted (they were: 26 of the 177 once reported here). With one ledger commit per event and the issue read back after each, a release made 361 calls, 97 mutating, 109 content-creating. The content-creating calls per release are 56 to 58, 8 of them the doctor's refused probes; GitHub counts its secondary limit per identity, and the release App makes 49 of them (the report App 7, the dispatch App 1): ten releases in an hour use 490 of the App's 500, with no room for more reports or probes.\n" +
        "- **Rehearsal orchestration**: the row is the best of three releases. One release's orchestration took 8.4 to 12.6 s on this machine over one day, and the whole machine's speed moved with it: " +
        "the same build, rehearsed ten times in a row, used 12 to 19 s of CPU (all its processes). It is CPU-bound on the 2 cores (sampled with `perf`, node processes take two thirds of the CPU, " +
        "git a tenth, idle a fifth): about 34 action processes (13 of them track-status, one per stage transition or report, about 250 ms of CPU each; 11 app-installations), some 200 git " +
        "processes (a checkout is 2, the emulated repos the rest; 313 before the local runner read commits and workflow files from the emulator's object cache and a checkout took 4) and each job's shell steps. " +
        "Each process started costs the rehearsal's own process 1 to 3 ms of its event loop (fork of a 150 MB process).\n" +
        "- **Cold start**: what an action does before its first request, from CPU profiles of track-status: about 20 ms for V8 to compile its bundle and 35 ms to evaluate it, 30 ms reading " +
        "`release-relay.yml` (YAML parsing, 18 ms for the example's 9 KB on a first parse and 6 ms on a second, then the zod schema built and checked: every action but compute-hashes reads " +
        "the config before it calls anything) and 20 ms for Node's own `fetch` (its bundled undici, loaded on the first request Octokit makes). Tried without a gain measured: minified bundles " +
        "(V8 compiles sign-upload in 29 ms instead of 35, no change in the row over 9 runs each) " +
        "and V8's heap and lazy-compilation flags (each slower). Actions now parse without zod's compiled fast paths (`jitless`): in CPU profiles of one rehearsed release, zod's time in a track-status step fell from 119 to 73 ms and in app-installations from 69 to 45 ms, less than a whole release's CPU moves between runs. `node -e 0` alone is 50 to 70 ms here; each row is the best of five, the action and `node -e 0` run in turn, and the rows move " +
        "by 20 ms or more between runs.\n" +
        // The reliability suites' record (npm run reliability) is kept as it is.
        reliabilitySection(),
    );
    console.log("\nwrote BENCHMARKS.md");
  }
  const failed = rows.filter((r) => r.pass === false).length;
  const informational = rows.filter((r) => r.pass === null).length;
  console.log(
    `\nbench: ${rows.length - failed - informational} passed, ${failed} failed, ${informational} informational`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
