/** A value as a config message shows it: strings in quotes, anything else as written. */
export const quoted = (input: unknown): string =>
  typeof input === "string" ? JSON.stringify(input) : String(input);
