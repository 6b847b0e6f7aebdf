/** A text file as lines, remembering its line ending and whether it ended with one. */
export interface TextLines {
  lines: string[];
  eol: "\n" | "\r\n";
  finalNewline: boolean;
}

/** Splits a file into lines, keeping what it takes to write it back byte for byte. */
export function splitLines(content: string): TextLines {
  const eol = content.includes("\r\n") ? "\r\n" : "\n";
  const finalNewline = content.endsWith("\n");
  const body = finalNewline ? content.slice(0, -eol.length) : content;
  return { lines: body === "" ? [] : body.split(eol), eol, finalNewline };
}

/** Joins lines back; `finalNewline` decides the last line ending. */
export function joinLines(text: TextLines): string {
  return text.lines.join(text.eol) + (text.finalNewline && text.lines.length > 0 ? text.eol : "");
}
