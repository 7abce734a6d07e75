// Funnels: conversion through ordered steps per stitched customer, and the customers behind each step.
import { Type } from "@sinclair/typebox";
import {
  FunnelCustomersRequest,
  FunnelRequest,
  FunnelResult,
  funnelCustomers,
  runFunnel,
} from "../../analytics/funnel.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { limitAnalysis } from "./analysis-limit.js";

const security = [{ bearerAuth: [] }];
const tags = ["insights"];

export function funnelRoutes(app: App, ctx: AppContext): void {
  app.post(
    "/api/insights/funnel",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "A funnel: customers who did steps 1..k in order within the window, per step",
        description:
          "Counted per stitched customer. The window runs from the step-1 event and includes its end (default 14d). One event fills at most one step; every step-1 event starts an attempt and the customer's best attempt counts. ordered allows other events between steps, strict does not, unordered takes the steps in any order. An exclusion event between the given steps of the counted attempt removes the customer. A breakdown takes the step-1 event's property. Default period: the 30 days up to the newest event.",
        tags,
        security,
        body: FunnelRequest,
        response: { 200: FunnelResult, ...errorResponses },
      },
    },
    async (req, reply) =>
      unwrapProblem(
        await limitAnalysis(ctx.config, reply, () => runFunnel(ctx.store, ctx.journey, req.body)),
      ),
  );

  app.post(
    "/api/insights/funnel/customers",
    {
      config: { access: "customers.list", personal: "bulk" },
      schema: {
        summary: "The customers who reached a funnel step, or dropped off after it, page by page",
        tags,
        security,
        body: FunnelCustomersRequest,
        response: {
          200: Type.Object({
            total: Type.Integer(),
            customers: Type.Array(
              Type.Object({
                id: Type.Integer(),
                name: Type.Union([Type.String(), Type.Null()]),
                reached: Type.Integer({ description: "Steps done in the counted attempt" }),
                startedAt: Type.String(),
              }),
            ),
            next: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) =>
      unwrapProblem(
        await limitAnalysis(ctx.config, reply, () => funnelCustomers(ctx.store, ctx.journey, req.body)),
      ),
  );
}
