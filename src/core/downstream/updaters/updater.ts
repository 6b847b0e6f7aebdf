import { z } from "zod";
import { kebabObject } from "../../inputs/kebab-object.js";
import type { EditValues } from "../template.js";

/** Which releases an edit runs for: every one, stable releases only, or prereleases only. */
export const editWhenSchema = z.enum(["always", "stable", "prerelease"]).default("always");

/** The config schema of one kind of edit: `kind`, the kind's own keys (kebab-case in YAML), `when`. */
export function editKindSchema<Kind extends string, Shape extends z.ZodRawShape>(kind: Kind, shape: Shape) {
  return kebabObject({ kind: z.literal(kind), ...shape, when: editWhenSchema });
}

/** An edit of `kind` with `shape`'s keys, as the config parses it (camelCase keys, defaults filled). */
export type EditOf<Kind extends string, Shape extends z.ZodRawShape> = z.output<
  ReturnType<typeof editKindSchema<Kind, Shape>>
>;

/** What an updater sees of the release besides the file's content. */
export interface UpdateContext {
  /** The file's path in the downstream repo, rendered; errors name it. */
  file: string;
  /** Renders a field of the edit for this release; `field` (`pattern`, `changes[0]`) locates errors. */
  render(text: string, field: string): string;
  /** Renders a value of any shape: the strings in it, in lists and objects too. */
  renderValue(value: unknown, field: string): unknown;
  values: EditValues;
  /** A template file beside the config by its path; undefined when there is none. */
  templates(path: string): string | undefined;
}

/**
 * One kind of edit a release makes to a downstream file: its config schema and a pure function of
 * the file's content. A kind that makes its file when it is missing has `create`; for the others a
 * missing file is an error, raised before `apply` is called.
 */
export interface Updater<Edit extends { kind: string }> {
  kind: Edit["kind"];
  schema: z.ZodType<Edit>;
  apply(edit: Edit, content: string, context: UpdateContext): string;
  create?(edit: Edit, context: UpdateContext): string;
}

/** Declares an edit kind: its name, its keys besides `kind` and `when`, and how it changes a file. */
export function defineUpdater<Kind extends string, Shape extends z.ZodRawShape>(definition: {
  kind: Kind;
  shape: Shape;
  apply(edit: EditOf<Kind, Shape>, content: string, context: UpdateContext): string;
  create?(edit: EditOf<Kind, Shape>, context: UpdateContext): string;
}) {
  const { kind, shape, apply, create } = definition;
  return { kind, schema: editKindSchema(kind, shape), apply, ...(create ? { create } : {}) };
}
