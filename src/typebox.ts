// Schema helpers shared by every boundary.
import { type SchemaOptions, type TLiteral, type TUnion, Type } from "@sinclair/typebox";

/**
 * One of a list of strings, as a union of literals typed as a tuple: Fastify's type provider infers a
 * union built by `.map()` (an array, not a tuple) as `never`.
 */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }>;
}
