import { ReleaseRelayError } from "../../errors.js";

/** Splits `"8.0".version` or `a.b[2].c` into keys; quoted keys may hold dots. */
export function parseEditPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|\[(\d+)\]|([^.[\]"]+)/gy;
  let last = 0;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) out.push(m[1].replace(/\\(.)/g, "$1"));
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3] as string);
    last = re.lastIndex;
    if (path[last] === ".") re.lastIndex = ++last;
  }
  if (last !== path.length || out.length === 0) {
    throw new ReleaseRelayError(
      "E_CONFIG",
      `edit path ${JSON.stringify(path)} is not valid`,
      'write it like "8.0".version or list[0].name',
    );
  }
  return out;
}
