import type { ReleaseState } from "../ledger/release-state.js";
import { cell, codeCell } from "./safe-links.js";

/** Who asked for the release as GitHub confirmed it, and each claim of the request it did not confirm. */
export function requestNotes(state: ReleaseState): string[] {
  const r = state.request;
  if (!r) return [];
  return [
    ...(r.by ? [`> Requested by ${cell(r.by)} (confirmed by GitHub: the run that sent the request)`] : []),
    ...(r.unverified ?? []).map((note) => `> ❔ Not confirmed by GitHub, so not believed: ${cell(note)}`),
    "",
  ];
}

/** Events from outside that were not believed: one line each, none changed the release. */
export function refusedSection(state: ReleaseState): string[] {
  if (state.refused.length === 0) return [];
  return [
    "<details><summary>Refused events</summary>",
    "",
    ...state.refused.map(
      (r) => `- ${r.at}: ${cell(r.what)} from ${cell(r.sender)}, refused: ${codeCell(r.reason)}`,
    ),
    "",
    "</details>",
    "",
  ];
}
