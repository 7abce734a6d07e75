// Settings: one tab per thing to configure, the tab in the path (/settings/<tab>) so a link opens it. A
// role sees the tabs its permissions allow (SETTINGS_TABS in app/access.ts).
import { Tabs, Title } from "@mantine/core";
import {
  IconBraces,
  IconHistory,
  IconKey,
  IconRoute,
  IconStairs,
  IconUserCircle,
  IconUsersGroup,
} from "@tabler/icons-react";
import type { ReactElement } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useParams } from "react-router";
import { maySeeTab, type SettingsTab } from "../../app/access.js";
import { useAuth } from "../../app/auth.js";
import { NoAccess } from "../../app/NoAccess.js";
import { Accounts } from "./Accounts.js";
import { Audit } from "./Audit.js";
import { Credentials } from "./Credentials.js";
import { NS } from "./messages.js";
import { Personas } from "./Personas.js";
import { Stages } from "./Stages.js";
import { Touchpoints } from "./Touchpoints.js";

const TABS: ReadonlyArray<{ key: SettingsTab; icon: typeof IconKey; view: () => ReactElement }> = [
  { key: "keys", icon: IconKey, view: () => <Credentials kind="keys" /> },
  { key: "tokens", icon: IconBraces, view: () => <Credentials kind="tokens" /> },
  { key: "touchpoints", icon: IconRoute, view: () => <Touchpoints /> },
  { key: "stages", icon: IconStairs, view: () => <Stages /> },
  { key: "personas", icon: IconUserCircle, view: () => <Personas /> },
  { key: "accounts", icon: IconUsersGroup, view: () => <Accounts /> },
  { key: "audit", icon: IconHistory, view: () => <Audit /> },
] as const;

export default function Settings() {
  const { t } = useTranslation(NS);
  const { tab } = useParams();
  const navigate = useNavigate();
  const { can } = useAuth();
  const tabs = TABS.filter((x) => maySeeTab(x.key, can));
  const current = tabs.find((x) => x.key === tab);
  if (!current) {
    // A tab the role may not see is refused plainly; no tab (or an unknown one) opens the first it may.
    const refused = TABS.some((x) => x.key === tab);
    return refused || !tabs[0] ? <NoAccess /> : <Navigate to={`/settings/${tabs[0].key}`} replace />;
  }
  return (
    <>
      <Title order={2} mb="md">
        {t("title")}
      </Title>
      <Tabs value={current.key} onChange={(v) => v && navigate(`/settings/${v}`)} keepMounted={false}>
        <Tabs.List mb="md">
          {tabs.map(({ key, icon: Icon }) => (
            <Tabs.Tab
              key={key}
              value={key}
              leftSection={<Icon size={16} aria-hidden="true" />}
              data-testid={`tab-${key}`}
            >
              {t(`tabs.${key}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map(({ key, view }) => (
          <Tabs.Panel key={key} value={key}>
            {key === current.key && view()}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
