import { z } from "zod";

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

type Camelized<T> = { [K in keyof T as K extends string ? CamelCase<K> : K]: T[K] };

const camel = (key: string): string => key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * A strict object whose YAML keys are kebab-case (as in Actions files) and whose parsed
 * value has camelCase keys, so TypeScript code never indexes with strings like o["key-secret"].
 */
export function kebabObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape).transform((value) => {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[camel(key)] = v;
    return out as Camelized<z.output<z.ZodObject<Shape, z.core.$strict>>>;
  });
}
