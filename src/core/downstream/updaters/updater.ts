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
  /** Renders a field with values of the edit's own (one item of what it lists) instead of the release's. */
  renderWith(text: string, values: EditValues, field: string): string;
  values: EditValues;
  /** Another file of the downstream repo as the edits before this one left it; undefined when there is none. */
  read(path: string): string | undefined;
  /** A template file beside the config by its path; undefined when there is none. */
  templates(path: string): string | undefined;
}

/**
 * Placeholders a kind fills in itself, per item it lists, in some of its keys: `names`, and every
 * `{<record>.<field>}` of `records` (the fields come from the downstream's files, unknown until then).
 */
export interface OwnPlaceholders {
  fields: readonly string[];
  names: readonly string[];
  records: readonly string[];
}

/**
 * One kind of edit a release makes to a downstream file: its config schema and a pure function of
 * the file's content. A kind that makes its file when it is missing has `create`; for the others a
 * missing file is an error, raised before `apply` is called. A kind that reads other files of the
 * repo names them in `reads`, so they are fetched with the ones edited.
 */
export interface Updater<Edit extends { kind: string }> {
  kind: Edit["kind"];
  schema: z.ZodType<Edit>;
  apply(edit: Edit, content: string, context: UpdateContext): string;
  create?(edit: Edit, context: UpdateContext): string;
  reads?(edit: Edit, render: UpdateContext["render"]): string[];
  placeholders?: OwnPlaceholders;
}

/** Declares an edit kind: its name, its keys besides `kind` and `when`, and how it changes a file. */
export function defineUpdater<Kind extends string, Shape extends z.ZodRawShape>(definition: {
  kind: Kind;
  shape: Shape;
  apply(edit: EditOf<Kind, Shape>, content: string, context: UpdateContext): string;
  create?(edit: EditOf<Kind, Shape>, context: UpdateContext): string;
  reads?(edit: EditOf<Kind, Shape>, render: UpdateContext["render"]): string[];
  placeholders?: OwnPlaceholders;
}) {
  const { kind, shape, apply, create, reads, placeholders } = definition;
  return {
    kind,
    schema: editKindSchema(kind, shape),
    apply,
    ...(create ? { create } : {}),
    ...(reads ? { reads } : {}),
    ...(placeholders ? { placeholders } : {}),
  };
}
