// The request checks of the API, shared by Fastify (src/server/app.ts) and by a CLI command that runs an
// operation on the database file (src/server/operation.ts, checkRequest), so both refuse the same input.
import { Ajv } from "ajv";
import formats from "ajv-formats";

function validators(options: { coerceTypes: "array" | false }): Ajv {
  const ajv = new Ajv({
    ...options,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
  });
  // ajv-formats is CommonJS: its function is the default export's default.
  (formats as unknown as { default: (a: Ajv) => void }).default(ajv);
  return ajv;
}

/**
 * Query strings and path parameters are text and need coercing (and Segment clients send ids as numbers);
 * product-API bodies are typed JSON, where coercion inside a union would turn a rule's 4 into "4".
 */
export function requestValidators(): { coercing: Ajv; strict: Ajv } {
  return { coercing: validators({ coerceTypes: "array" }), strict: validators({ coerceTypes: false }) };
}
