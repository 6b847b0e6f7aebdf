// Keys that release-relay.yml files written before a rename use. They are read as today's key, so a
// config keeps working unchanged; the schema (and so editors and `release-relay schema`) knows only
// today's. A file that gives both keeps both, and the schema refuses the earlier one as unknown.

/** Earlier key → today's, in each downstream. */
const DOWNSTREAM_KEYS: Readonly<Record<string, string>> = { "report-back": "reports" };
/** Earlier key → today's, in senders (named after the dispatch event type they may send). */
const SENDER_KEYS: Readonly<Record<string, string>> = { "downstream-status": "downstream-report" };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function renamed(o: unknown, keys: Readonly<Record<string, string>>): unknown {
  if (!isRecord(o)) return o;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    const today = keys[key];
    out[today !== undefined && !(today in o) ? today : key] = value;
  }
  return out;
}

/** The parsed YAML of a release-relay.yml with every earlier key under today's name. */
export function withTodaysKeys(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  return {
    ...raw,
    ...(Array.isArray(raw.downstream)
      ? { downstream: raw.downstream.map((d) => renamed(d, DOWNSTREAM_KEYS)) }
      : {}),
    ...("senders" in raw ? { senders: renamed(raw.senders, SENDER_KEYS) } : {}),
  };
}

/** Each earlier key a release-relay.yml still uses, as `path: earlier → today`: what an upgrade prints. */
export function earlierKeysUsed(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  const out: string[] = [];
  const note = (where: string, o: unknown, keys: Readonly<Record<string, string>>) => {
    if (!isRecord(o)) return;
    for (const [earlier, today] of Object.entries(keys))
      if (earlier in o) out.push(`${where}.${earlier} → ${where}.${today}`);
  };
  if (Array.isArray(raw.downstream))
    for (const [i, d] of raw.downstream.entries()) note(`downstream[${i}]`, d, DOWNSTREAM_KEYS);
  note("senders", raw.senders, SENDER_KEYS);
  return out;
}
