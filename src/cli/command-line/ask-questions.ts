import { createInterface } from "node:readline";
import { ReleaseRelayError } from "../../core/errors.js";
import { type InitDraft, nextQuestion } from "../../core/setup/init-questions.js";

/**
 * Asks init's questions on stdin, one line each, until every one is settled. A refused line prints
 * why and asks again. Lines are read from one reader, so answers piped in all at once are taken in
 * order; stdin ending before the last question is an error naming that question.
 */
export async function askQuestions(
  draft: InitDraft,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<InitDraft> {
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  try {
    let current = draft;
    for (let q = nextQuestion(current); q; q = nextQuestion(current)) {
      output.write(`${q.text}${q.default === undefined ? "" : ` [${q.default}]`}: `);
      const next = await lines.next();
      if (next.done) {
        output.write("\n");
        throw new ReleaseRelayError(
          "E_INPUT",
          `stdin ended before init's question ${q.key} was answered`,
          "answer every question (an empty line takes the default), or pass --answers FILE or the flags with --yes",
        );
      }
      // Piped answers are not echoed by a terminal: show them, so the transcript reads as asked.
      if (!(input as { isTTY?: boolean }).isTTY) output.write(`${next.value}\n`);
      const result = q.answer(next.value);
      if ("error" in result) output.write(`  ${result.error.split("\n").join("\n  ")}\n`);
      else current = result.draft;
    }
    return current;
  } finally {
    rl.close();
  }
}
