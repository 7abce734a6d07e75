// What a role may not open: a view it lacks the permission for shows one clear "no access" state (never a
// page of 403 errors), and "/" sends each role to its first view.
import { Alert, Anchor, Stack, Text } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate } from "react-router";
import { landingPath, mayOpen, type ViewId } from "./access.js";
import { useAuth } from "./auth.js";

function useRoleName(): string {
  const { t } = useTranslation();
  const { account } = useAuth();
  return account ? t(`role.${account.role}`) : "";
}

export function NoAccess() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const role = useRoleName();
  const home = landingPath(can);
  return (
    <Stack align="center" py="xl" data-testid="no-access">
      <IconLock size={32} stroke={1.5} aria-hidden />
      <Text fw={600} size="lg" role="heading" aria-level={2}>
        {t("access.title")}
      </Text>
      <Text c="dimmed" ta="center" maw={520}>
        {t("access.body", { role })}
      </Text>
      {home && (
        <Anchor component={Link} to={home} data-testid="no-access-home">
          {t("access.home")}
        </Anchor>
      )}
    </Stack>
  );
}

/** Renders the view when the role may open it, else the no-access state. */
export function RequireView({ view, children }: { view: ViewId; children: ReactNode }) {
  const { can } = useAuth();
  return mayOpen(view, can) ? children : <NoAccess />;
}

/** "/": the overview for roles that may read it, else the first view the role may open. */
export function Landing({ overview }: { overview: ReactNode }) {
  const { can } = useAuth();
  if (mayOpen("overview", can)) return overview;
  const home = landingPath(can);
  return home ? <Navigate to={home} replace /> : <NoAccess />;
}

/** A note over settings the role may read but not change. */
export function ReadOnlyNote() {
  const { t } = useTranslation();
  const role = useRoleName();
  return (
    <Alert variant="light" color="gray" icon={<IconLock size={16} />} data-testid="read-only">
      {t("access.readOnly", { role })}
    </Alert>
  );
}
