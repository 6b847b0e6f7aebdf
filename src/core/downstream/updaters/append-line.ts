import { z } from "zod";
import { ReleaseRelayError } from "../../errors.js";
import { joinLines, splitLines } from "./text-lines.js";
import { defineUpdater } from "./updater.js";

/**
 * Appends `line` to a list-like file (e.g. a hashes README), keeping its order and line endings.
 * The same line already there is a no-op; another line with the same `conflictKey` prefix (the same
 * file listed with a different hash) is an error, never a second entry. A missing final newline is
 * repaired, so the new line never runs into the last one.
 */
export function appendLine(content: string, line: string, file: string, conflictKey?: string): string {
  if (/[\r\n]/.test(line))
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${file}: the line to append spans several lines`,
      "append one line per edit",
    );
  const text = splitLines(content);
  if (text.lines.includes(line)) return content;
  if (conflictKey) {
    const clash = text.lines.findIndex((l) => l.startsWith(conflictKey));
    if (clash !== -1) {
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${file} line ${clash + 1} already lists "${conflictKey.trim()}" differently: ${JSON.stringify(text.lines[clash]?.slice(0, 200))}`,
        "a released artifact never changes: if that line is wrong, fix it by hand in its own PR; release-relay will not add a second entry",
      );
    }
  }
  return joinLines({ ...text, lines: [...text.lines, line], finalNewline: true });
}

export const appendLineUpdater = defineUpdater({
  kind: "append-line",
  shape: {
    file: z.string().min(1),
    line: z.string().min(1),
    "conflict-key": z.string().min(1).optional(),
  },
  apply: (edit, content, { file, render }) =>
    appendLine(
      content,
      render(edit.line, "line"),
      file,
      edit.conflictKey ? render(edit.conflictKey, "conflict-key") : undefined,
    ),
});
