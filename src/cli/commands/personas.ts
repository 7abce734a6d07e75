// `itinera personas list|add|edit|remove`: personas are saved segments with a narrative; a customer takes
// the first one, by priority, whose rules they match.
import { Type } from "@sinclair/typebox";
import type { Command } from "commander";
import type { PersonaCounts } from "../../journey/persona-counts.js";
import { type Persona, type PersonaCondition, PersonaInput } from "../../journey/personas.js";
import {
  addPersonaOperation,
  editPersonaOperation,
  personaListOperation,
  removePersonaOperation,
} from "../../server/operations/personas.js";
import { checkShape, readJsonFile } from "../input.js";
import { positiveInt } from "../options.js";
import { CliError, table } from "../output.js";
import { formatCondition } from "../rule-text.js";
import { act, perform } from "../target.js";

// As the API takes it: the fields to change, and the priority too.
const PersonaPatch = Type.Composite([
  Type.Partial(PersonaInput),
  Type.Object({ priority: Type.Optional(Type.Integer({ minimum: 1 })) }),
]);

export type PersonaList = PersonaCounts;

function describeCondition(c: PersonaCondition): string {
  if ("trait" in c) return formatCondition({ property: c.trait, op: c.op, value: c.value });
  if ("measure" in c) return `${c.measure} ${c.op} ${c.value}`;
  if ("channels" in c) return `${c.share ? "share" : "events"} on ${c.channels.join("+")} ${c.op} ${c.value}`;
  if ("touchpoint" in c) return `touchpoint ${c.touchpoint} ${c.op} ${c.value}`;
  return `event "${c.event}" ${c.op} ${c.value}`;
}

const describeRules = (p: Persona) =>
  p.conditions.map(describeCondition).join(p.match === "all" ? " and " : " or ");

function renderList(l: PersonaList): string {
  const rows = l.items.map((p) => ({
    priority: p.priority,
    id: p.id,
    name: p.name,
    customers: p.customers,
    rules: describeRules(p),
  }));
  const total = l.items.reduce((n, p) => n + p.customers, l.unassigned);
  return [
    table(rows, ["priority", "id", "name", "customers", "rules"]),
    "",
    `${l.unassigned} of ${total} customers match no persona (as of ${l.asOf}). A customer takes the first persona that matches.`,
  ].join("\n");
}

const summary = (p: Persona) => `${p.name} (${p.id}), priority ${p.priority}: ${describeRules(p)}`;

function priorityFlag(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : positiveInt("--priority", raw, 1);
}

export function personaCommands(program: Command): void {
  const personas = program
    .command("personas")
    .description("personas: saved segments with a narrative, and how many customers each has");

  personas
    .command("list")
    .description(
      "personas by priority with their customer counts (brings the journey tables up to date first)",
    )
    .action((_o: unknown, cmd: Command) =>
      act(cmd, (config) => perform(config, personaListOperation, {}), renderList),
    );

  personas
    .command("add")
    .description("add a persona from a JSON file (PersonaInput: name, match, conditions, narrative)")
    .requiredOption("--file <file>", "the persona as JSON")
    .option("--priority <n>", "its place in the order personas are checked (default last)")
    .addHelpText(
      "after",
      `
Example persona.json:
  {"name": "Night owl", "match": "all",
   "conditions": [{"measure": "orders", "op": "gte", "value": 2}, {"channels": ["app"], "share": true, "op": "gte", "value": 0.5}],
   "narrative": {"summary": "Shops from bed", "goals": ["Buy fast"], "needs": [], "frustrations": []}}

Examples:
  $ itinera personas add --file persona.json
  $ itinera personas add --file persona.json --priority 1`,
    )
    .action((o: { file: string; priority?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          const priority = priorityFlag(o.priority);
          const input = checkShape<PersonaInput>(PersonaInput, readJsonFile("--file", o.file), o.file);
          return perform(config, addPersonaOperation, { query: { priority }, body: input });
        },
        (p) => `Added ${summary(p)}.`,
      ),
    );

  personas
    .command("edit <id>")
    .description("change a persona's name, rules or narrative (fields in --file) or its --priority")
    .option("--file <file>", "a JSON object with the fields to change")
    .option("--priority <n>", "move it to this place in the order")
    .addHelpText(
      "after",
      `
Examples:
  $ itinera personas edit tech-savvy-tim --priority 1
  $ itinera personas edit tech-savvy-tim --file patch.json   # e.g. {"match": "any"}`,
    )
    .action((id: string, o: { file?: string; priority?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          const priority = priorityFlag(o.priority);
          if (!o.file && priority === undefined)
            throw new CliError("give --file with the changes, or --priority", 2);
          const doc = o.file ? readJsonFile("--file", o.file) : {};
          const patch = checkShape<Partial<PersonaInput> & { priority?: number }>(
            PersonaPatch,
            doc,
            o.file ?? "change",
          );
          const body = { ...patch, ...(priority === undefined ? {} : { priority }) };
          return perform(config, editPersonaOperation, { params: { id }, body });
        },
        (p) => `Changed ${summary(p)}.`,
      ),
    );

  personas
    .command("remove <id>")
    .description("remove a persona; its customers go to the next persona they match, or none")
    .addHelpText("after", "\nExample:\n  $ itinera personas remove bargain-hunter-bora")
    .action((id: string, _o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, removePersonaOperation, { params: { id } }),
        (r) => `Removed persona ${r.id}.`,
      ),
    );
}
