#!/usr/bin/env node
// The `itinera` command line.
import { Command } from "commander";
import { version } from "../version.js";
import { accountCommands } from "./commands/accounts.js";
import { auditCommand } from "./commands/audit.js";
import { credentialCommands } from "./commands/credentials.js";
import { customerCommands } from "./commands/customers.js";
import { demoCommand } from "./commands/demo.js";
import { frictionCommands } from "./commands/frictions.js";
import { funnelCommands } from "./commands/funnel.js";
import { importCommand } from "./commands/import.js";
import { insightCommands } from "./commands/insights.js";
import { journeyCommands } from "./commands/journey.js";
import { liveCommand } from "./commands/live.js";
import { pathsCommand } from "./commands/paths.js";
import { personaCommands } from "./commands/personas.js";
import { privacyCommands } from "./commands/privacy.js";
import { savedViewCommands } from "./commands/saved.js";
import { serveCommand } from "./commands/serve.js";
import { touchpointCommands } from "./commands/touchpoints.js";

const program = new Command()
  .name("itinera")
  .description("Itinera — every customer interaction in one place, stitched into one customer.")
  .version(version)
  .option("--json", "print machine-readable JSON (no progress output)")
  .option("--db <path>", "database file (default ./data/itinera.duckdb, or ITINERA_DATABASE)")
  .option("--config <file>", "JSON config file (default ./itinera.config.json, or ITINERA_CONFIG)")
  .showHelpAfterError()
  .addHelpText(
    "after",
    "\nWhile `itinera serve` runs, other commands talk to it through its API; otherwise they open the database file.",
  );

serveCommand(program);
credentialCommands(program);
accountCommands(program);
auditCommand(program);
customerCommands(program);
privacyCommands(program);
importCommand(program);
demoCommand(program);
journeyCommands(program);
touchpointCommands(program);
personaCommands(program);
frictionCommands(program);
pathsCommand(program);
insightCommands(program);
funnelCommands(program);
savedViewCommands(program);
liveCommand(program);

await program.parseAsync(process.argv);
