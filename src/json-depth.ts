// How deep a JSON value from outside nests. JSON.parse copes with any depth, but JSON.stringify, Ajv's
// recursive validators and any recursive walk overflow the stack a few thousand levels down, and that
// must be a 400 with a reason, not a 500; so bodies are measured (without recursion) before anything
// recursive touches them.

/** True when `value` nests objects or arrays more than `max` levels deep (the value itself is level 1). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== "object") return false;
  const stack: Array<[object, number]> = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [node, depth] = next;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}
