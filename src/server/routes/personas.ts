// Personas: saved segments with a narrative, with how many customers each has now.
import { Type } from "@sinclair/typebox";
import { addPersona, editPersona, removePersona } from "../../journey/definitions.js";
import { listPersonas } from "../../journey/persona-counts.js";
import { Persona, PersonaInput } from "../../journey/personas.js";
import { PersonaPreview, PersonaPreviewRequest, previewPersona } from "../../journey/preview.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { actorOf } from "../permissions.js";

const security = [{ bearerAuth: [] }];
const tags = ["personas"];

export function personaRoutes(app: App, ctx: AppContext): void {
  const changed = <T>(value: T): T => {
    void ctx.journey.refresh().catch((e: unknown) => ctx.log.warn({ err: e }, "journey refresh failed"));
    return value;
  };
  const Id = Type.Object({ id: Type.String({ maxLength: 80 }) });

  app.get(
    "/api/personas",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "Personas by priority (a customer takes the first that matches) with their customer counts",
        tags,
        security,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Composite([Persona, Type.Object({ customers: Type.Integer() })])),
            unassigned: Type.Integer({ description: "Customers no persona matches" }),
            asOf: Type.String(),
          }),
          ...errorResponses,
        },
      },
    },
    async () => listPersonas(ctx.store, ctx.journey),
  );

  app.post(
    "/api/personas",
    {
      config: { access: "journey.edit" },
      schema: {
        summary: "Add a persona (last, or at ?priority=n)",
        tags,
        security,
        querystring: Type.Object({
          priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
        }),
        body: PersonaInput,
        response: { 201: Persona, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          changed(unwrapProblem(await addPersona(ctx.store, req.body, req.query.priority, actorOf(req)))),
        ),
  );

  app.post(
    "/api/personas/preview",
    {
      config: { access: "customers.list", personal: "bulk" },
      schema: {
        summary:
          "What draft conditions would match before they are saved: customers, their share, examples, and how many a persona of higher priority already takes",
        tags,
        security,
        body: PersonaPreviewRequest,
        response: { 200: PersonaPreview, ...errorResponses },
      },
    },
    async (req) => {
      const fresh = await ctx.journey.refresh();
      return unwrapProblem(await previewPersona(ctx.store, req.body, fresh.refreshedAt));
    },
  );

  app.patch(
    "/api/personas/:id",
    {
      config: { access: "journey.edit" },
      schema: {
        summary: "Change a persona's name, rules, narrative or priority",
        tags,
        security,
        params: Id,
        body: Type.Composite([
          Type.Partial(PersonaInput),
          Type.Object({ priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }),
        ]),
        response: { 200: Persona, ...errorResponses },
      },
    },
    async (req) =>
      changed(unwrapProblem(await editPersona(ctx.store, req.params.id, req.body, actorOf(req)))),
  );

  app.delete(
    "/api/personas/:id",
    {
      config: { access: "journey.edit" },
      schema: {
        summary: "Remove a persona",
        tags,
        security,
        params: Id,
        response: { 200: Type.Object({ id: Type.String() }), ...errorResponses },
      },
    },
    async (req) => changed(unwrapProblem(await removePersona(ctx.store, req.params.id, actorOf(req)))),
  );
}
