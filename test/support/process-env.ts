/**
 * Sets environment variables (undefined removes one) and returns what puts each back as it was.
 * Test files share their fork's process, so what one file sets must not reach the next; the variables
 * are changed in place, never by replacing `process.env`, which Node.js treats specially.
 */
export function setEnv(values: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const apply = (next: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(next))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  };
  apply(values);
  return () => apply(before);
}
