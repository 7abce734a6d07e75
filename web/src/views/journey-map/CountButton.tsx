// A count of customers that opens the list of exactly those customers: every such number on the map is
// one of these, named by its audience (see GET /api/journey-map/customers).
import { UnstyledButton } from "@mantine/core";
import { createContext, useContext } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format.js";
import { NS } from "./messages.js";

/** Opens the drawer for an audience of the map the button sits on (base or comparison). */
export const OpenAudience = createContext<(audience: string) => void>(() => {});

export function CountButton({ audience, value }: { audience: string; value: number | null }) {
  const open = useContext(OpenAudience);
  const format = useFormat();
  const { t } = useTranslation(NS);
  if (value === null) return <span>{format.number(value)}</span>;
  return (
    <UnstyledButton
      className="jm-count"
      data-testid="jm-count"
      data-audience={audience}
      data-value={value}
      aria-label={t("count", { n: format.number(value) })}
      onClick={() => open(audience)}
    >
      {format.number(value)}
    </UnstyledButton>
  );
}
