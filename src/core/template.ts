import { ReleaseRelayError } from "./errors.js";

/** Placeholders every template may use: the project and the parts of the version. */
export const VERSION_PLACEHOLDERS: readonly string[] = [
  "project",
  "version",
  "major",
  "minor",
  "patch",
  "prerelease",
  "line",
];

/** Placeholders an artifact file name may use. */
export const ARTIFACT_PLACEHOLDERS: readonly string[] = [...VERSION_PLACEHOLDERS, "os", "arch", "distro"];

// `{name}` or `{a.b}`; any other brace (e.g. Hugo `{{ .x }}`) is left alone.
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\}/g;

/** The placeholder names a template uses, in order of first use. */
export function findPlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/** Replaces every `{name}` with its value; an unknown name is an error naming the known ones. */
export function renderTemplate(
  template: string,
  values: Readonly<Record<string, string | number>>,
  where: string,
): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new ReleaseRelayError(
        "E_TEMPLATE",
        `${where}: unknown placeholder {${name}}`,
        `use one of ${Object.keys(values)
          .map((k) => `{${k}}`)
          .join(", ")}`,
      );
    }
    return String(value);
  });
}
