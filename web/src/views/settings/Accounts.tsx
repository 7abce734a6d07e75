// Accounts (accounts.manage): who can sign in and with which role, a new account with its password shown
// once, a role change, disable, and a password reset that shows the new one once. One's own row is not
// changed here (the server refuses it too: no self-promotion, no locking oneself out).
import { Badge, Button, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconUserPlus } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Account } from "../../../../src/auth/accounts.js";
import { api } from "../../api/client.js";
import { ROLE_COLORS } from "../../app/access.js";
import { type Role, useAuth } from "../../app/auth.js";
import { QueryState } from "../../components/states.js";
import { useFormat } from "../../i18n/format.js";
import { NS } from "./messages.js";
import {
  ActionError,
  ConfirmButton,
  FormModal,
  ListTable,
  NameInput,
  SecretModal,
  StatusBadge,
  TabHeader,
} from "./parts.js";
import { RoleSelect } from "./RoleSelect.js";

/** The server's minimum (MIN_PASSWORD in src/auth/password-policy.ts); the server checks it again. */
const MIN_PASSWORD = 15;

interface WithPassword {
  account: Account;
  password: string;
}

export function Accounts() {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const client = useQueryClient();
  const { account: me } = useAuth();
  const list = useQuery({
    queryKey: ["accounts"],
    queryFn: ({ signal }) => api<{ items: Account[] }>("/api/accounts", { signal }),
  });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ title: string; password: string } | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ["accounts"] });
  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) =>
      api<Account>(`/api/accounts/${encodeURIComponent(id)}`, { method: "PATCH", body: { role } }),
    onSettled: () => refresh(),
  });
  const disable = async (id: string) => {
    await api(`/api/accounts/${encodeURIComponent(id)}`, { method: "DELETE" });
    await refresh();
  };
  const reset = async (a: Account) => {
    const r = await api<WithPassword>(`/api/accounts/${encodeURIComponent(a.id)}/password`, {
      method: "POST",
      body: {},
    });
    setSecret({ title: t("accounts.passwordFor", { email: a.email }), password: r.password });
  };

  return (
    <Stack gap="md" data-testid="settings-accounts">
      <TabHeader
        intro={t("accounts.intro")}
        action={
          <Button
            leftSection={<IconUserPlus size={16} />}
            onClick={() => setCreating(true)}
            data-testid="account-add"
          >
            {t("accounts.invite")}
          </Button>
        }
      />
      <ActionError error={changeRole.error} />
      <QueryState query={list}>
        {(data) => (
          <ListTable
            minWidth={720}
            headers={[
              t("common.name"),
              t("accounts.email"),
              t("accounts.role"),
              t("common.created"),
              t("common.status"),
              t("common.actions"),
            ]}
          >
            {data.items.map((a) => (
              <Table.Tr key={a.id} data-testid="account-row" data-email={a.email} data-role={a.role}>
                <Table.Td>
                  {a.name}
                  {a.id === me?.id && (
                    <Text span size="xs" c="dimmed">
                      {" "}
                      ({t("accounts.you")})
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{a.email}</Table.Td>
                <Table.Td>
                  {a.id === me?.id || a.disabledAt ? (
                    <Badge variant="light" color={ROLE_COLORS[a.role]} data-testid="account-role">
                      {t(`common:role.${a.role}`)}
                    </Badge>
                  ) : (
                    <RoleSelect
                      compact
                      label={t("accounts.roleOf", { email: a.email })}
                      value={a.role}
                      onChange={(role) => role !== a.role && changeRole.mutate({ id: a.id, role })}
                      disabled={changeRole.isPending}
                      w={150}
                      testId="account-role-select"
                    />
                  )}
                </Table.Td>
                <Table.Td>{format.date(a.createdAt)}</Table.Td>
                <Table.Td>
                  <StatusBadge
                    endedLabel={a.disabledAt && t("common.disabled", { at: format.date(a.disabledAt) })}
                  />
                </Table.Td>
                <Table.Td>
                  {!a.disabledAt && a.id !== me?.id && (
                    <Group gap="xs" wrap="nowrap">
                      <ConfirmButton
                        label={t("accounts.reset")}
                        title={t("accounts.resetTitle", { email: a.email })}
                        body={t("accounts.resetBody")}
                        onConfirm={() => reset(a)}
                        testId="account-reset"
                      />
                      <ConfirmButton
                        label={t("accounts.disable")}
                        title={t("accounts.disableTitle", { email: a.email })}
                        body={t("accounts.disableBody")}
                        onConfirm={() => disable(a.id)}
                        testId="account-disable"
                      />
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        )}
      </QueryState>
      {creating && (
        <AccountForm
          onClose={() => setCreating(false)}
          onCreated={(r) => {
            setCreating(false);
            setSecret({ title: t("accounts.passwordFor", { email: r.account.email }), password: r.password });
            void refresh();
          }}
        />
      )}
      <SecretModal secret={secret?.password ?? null} title={secret?.title} onClose={() => setSecret(null)} />
    </Stack>
  );
}

function AccountForm({ onClose, onCreated }: { onClose: () => void; onCreated: (r: WithPassword) => void }) {
  const { t } = useTranslation([NS, "common"]);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("analyst");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<WithPassword>("/api/accounts", { method: "POST", body }),
    onSuccess: onCreated,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) problems.email = t("accounts.badEmail");
    if (name.trim() === "") problems.name = t("common.required");
    if (password !== "" && password.length < MIN_PASSWORD)
      problems.password = t("accounts.tooShort", { n: MIN_PASSWORD });
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    create.mutate({ email: email.trim(), name: name.trim(), role, ...(password ? { password } : {}) });
  };
  return (
    <FormModal
      title={t("accounts.invite")}
      testId="account-form"
      onSubmit={submit}
      onClose={onClose}
      mutation={create}
      submitLabel={t("common:action.create")}
      submitTestId="account-save"
    >
      <TextInput
        label={t("accounts.email")}
        type="email"
        value={email}
        onChange={(e) => setEmail(e.currentTarget.value)}
        maxLength={200}
        required
        error={errors.email}
        data-testid="account-email"
      />
      <NameInput value={name} onChange={setName} error={errors.name} maxLength={100} testId="account-name" />
      <RoleSelect value={role} onChange={setRole} testId="account-role-new" />
      <TextInput
        label={t("accounts.password")}
        description={t("accounts.passwordHint", { n: MIN_PASSWORD })}
        type="password"
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
        maxLength={200}
        error={errors.password}
        autoComplete="new-password"
      />
    </FormModal>
  );
}
