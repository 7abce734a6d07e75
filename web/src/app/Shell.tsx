// The frame around every signed-in view: navigation, language switch, account menu.
import {
  AppShell,
  Burger,
  Group,
  Menu,
  NavLink,
  SegmentedControl,
  Text,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation } from "react-router";
import { Loading } from "../components/states.js";
import { changeLanguage, type Language } from "../i18n/index.js";
import { mayOpen } from "./access.js";
import { useAuth } from "./auth.js";
import { NAVIGATION } from "./navigation.js";

export function Shell() {
  const { t, i18n } = useTranslation();
  const { account, can, signOut } = useAuth();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const accountShown = account?.name || account?.email || "";
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "md", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a href="#main" className="itinera-skip">
        {t("nav.skipToContent")}
      </a>
      <AppShell.Header className="itinera-noprint">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label={t("nav.menu")} />
            <Text fw={700} size="lg" component={Link} to="/" c="inherit" td="none">
              {t("product")}
            </Text>
            <Text size="sm" c="dimmed" visibleFrom="sm">
              {t("tagline")}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <SegmentedControl
              size="xs"
              aria-label={t("language.label")}
              data-testid="language-switch"
              value={i18n.language === "ko" ? "ko" : "en"}
              onChange={(v) => void changeLanguage(v as Language)}
              data={[
                { value: "en", label: "EN" },
                { value: "ko", label: "한국어" },
              ]}
            />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                {/* The name starts with what the button shows, so a voice command of it works. */}
                <UnstyledButton
                  aria-label={`${accountShown}: ${t("account.signedInAs", { email: account?.email ?? "" })}`}
                >
                  <Text size="sm">{accountShown}</Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{account?.email}</Menu.Label>
                <Menu.Label data-testid="account-role">{account && t(`role.${account.role}`)}</Menu.Label>
                <Menu.Item onClick={() => void signOut()} data-testid="sign-out">
                  {t("account.signOut")}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" className="itinera-noprint" aria-label={t("nav.menu")}>
        {NAVIGATION.filter((item) => mayOpen(item.id, can)).map((item) => {
          const active =
            item.path === "/" ? location.pathname === "/" : location.pathname.startsWith(item.path);
          return (
            <NavLink
              key={item.path}
              component={Link}
              to={item.path}
              label={t(item.label)}
              leftSection={<item.icon size={18} stroke={1.6} aria-hidden />}
              active={active}
              aria-current={active ? "page" : undefined}
              onClick={close}
              data-testid={`nav-${item.id}`}
            />
          );
        })}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
