// Settings: one tab per thing an admin configures, the tab in the path (/settings/<tab>) so a link opens it.
import { Tabs, Title } from "@mantine/core";
import {
  IconBraces,
  IconKey,
  IconRoute,
  IconStairs,
  IconUserCircle,
  IconUsersGroup,
} from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useParams } from "react-router";
import { useAuth } from "../../app/auth.js";
import { Accounts } from "./Accounts.js";
import { Credentials } from "./Credentials.js";
import { NS } from "./messages.js";
import { Personas } from "./Personas.js";
import { Stages } from "./Stages.js";
import { Touchpoints } from "./Touchpoints.js";

const TABS = [
  { key: "keys", icon: IconKey, view: () => <Credentials kind="keys" /> },
  { key: "tokens", icon: IconBraces, view: () => <Credentials kind="tokens" /> },
  { key: "touchpoints", icon: IconRoute, view: () => <Touchpoints /> },
  { key: "stages", icon: IconStairs, view: () => <Stages /> },
  { key: "personas", icon: IconUserCircle, view: () => <Personas /> },
  { key: "accounts", icon: IconUsersGroup, view: () => <Accounts /> },
] as const;

export default function Settings() {
  const { t } = useTranslation(NS);
  const { tab } = useParams();
  const navigate = useNavigate();
  const { account } = useAuth();
  // Only admins manage accounts (the API refuses the others); members do not see the tab.
  const tabs = TABS.filter((x) => x.key !== "accounts" || account?.role === "admin");
  const current = tabs.find((x) => x.key === tab);
  if (!current) return <Navigate to="/settings/keys" replace />;
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
