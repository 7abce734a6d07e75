// Personas: saved segments with a narrative, with how many customers each has now. A change is applied by
// the next journey refresh, which the server starts.
import { Type } from "@sinclair/typebox";
import { addPersona, editPersona, removePersona } from "../../journey/definitions.js";
import { listPersonas } from "../../journey/persona-counts.js";
import { Persona, PersonaInput } from "../../journey/personas.js";
import { PersonaPreview, PersonaPreviewRequest, previewPersona } from "../../journey/preview.js";
import { ok } from "../../result.js";
import { operation } from "../operation.js";

const tags = ["personas"];
const Id = Type.Object({ id: Type.String({ maxLength: 80 }) });
const Priority = Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 }));

export const personaListOperation = operation({
  id: "personas.list",
  method: "GET",
  path: "/api/personas",
  access: "analytics.read",
  summary: "Personas by priority (a customer takes the first that matches) with their customer counts",
  tags,
  response: Type.Object({
    items: Type.Array(Type.Composite([Persona, Type.Object({ customers: Type.Integer() })])),
    unassigned: Type.Integer({ description: "Customers no persona matches" }),
    asOf: Type.String(),
  }),
  run: async (ctx) => ok(await listPersonas(ctx.store, ctx.journey)),
});

export const addPersonaOperation = operation({
  id: "personas.add",
  method: "POST",
  path: "/api/personas",
  access: "journey.edit",
  summary: "Add a persona (last, or at ?priority=n)",
  tags,
  query: Type.Object({ priority: Priority }),
  body: PersonaInput,
  response: Persona,
  status: 201,
  changesJourney: true,
  run: (ctx, { query, body }, caller) => addPersona(ctx.store, body, query.priority, caller.actor),
});

export const previewPersonaOperation = operation({
  id: "personas.preview",
  method: "POST",
  path: "/api/personas/preview",
  access: "customers.list",
  personal: "bulk",
  summary:
    "What draft conditions would match before they are saved: customers, their share, examples, and how many a persona of higher priority already takes",
  tags,
  body: PersonaPreviewRequest,
  response: PersonaPreview,
  async run(ctx, { body }) {
    const fresh = await ctx.journey.refresh();
    return previewPersona(ctx.store, body, fresh.refreshedAt);
  },
});

export const editPersonaOperation = operation({
  id: "personas.edit",
  method: "PATCH",
  path: "/api/personas/:id",
  access: "journey.edit",
  summary: "Change a persona's name, rules, narrative or priority",
  tags,
  params: Id,
  body: Type.Composite([Type.Partial(PersonaInput), Type.Object({ priority: Priority })]),
  response: Persona,
  changesJourney: true,
  run: (ctx, { params, body }, caller) => editPersona(ctx.store, params.id, body, caller.actor),
});

export const removePersonaOperation = operation({
  id: "personas.remove",
  method: "DELETE",
  path: "/api/personas/:id",
  access: "journey.edit",
  summary: "Remove a persona",
  tags,
  params: Id,
  response: Type.Object({ id: Type.String() }),
  changesJourney: true,
  run: (ctx, { params }, caller) => removePersona(ctx.store, params.id, caller.actor),
});

export const personaOperations = [
  personaListOperation,
  addPersonaOperation,
  previewPersonaOperation,
  editPersonaOperation,
  removePersonaOperation,
];
