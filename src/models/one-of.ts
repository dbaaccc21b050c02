import { z } from "zod";

/**
 * A closed list of values; anything else is refused with a message that lists them. Shared by the models,
 * and kept out of models/index.ts: it is how the models are written, not part of what the package exports.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { message: `must be one of ${values.join(", ")}` });
}
