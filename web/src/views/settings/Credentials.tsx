// Write keys and API tokens: the list (never the secrets), a new one with its secret shown once, revoke.
// An API token has a role (what a script with it may do), chosen when it is made.
import { Badge, Button, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Credential } from "../../../../src/auth/credentials.js";
import { api } from "../../api/client.js";
import { ROLE_COLORS } from "../../app/access.js";
import type { Role } from "../../app/auth.js";
import { QueryState } from "../../components/states.js";
import { useFormat } from "../../i18n/format.js";
import { NS } from "./messages.js";
import { ActionError, ConfirmButton, ListTable, SecretModal, StatusBadge } from "./parts.js";
import { RoleSelect } from "./RoleSelect.js";

export function Credentials({ kind }: { kind: "keys" | "tokens" }) {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["credentials", kind],
    queryFn: ({ signal }) => api<{ items: Credential[] }>(`/api/${kind}`, { signal }),
  });
  const [name, setName] = useState("");
  // The server's default for a token; never more than the caller's own rights (it answers 403 otherwise).
  const [role, setRole] = useState<Role>("analyst");
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (n: string) =>
      api<Credential & { secret: string }>(`/api/${kind}`, {
        method: "POST",
        body: kind === "tokens" ? { name: n, role } : { name: n },
      }),
    onSuccess: (created) => {
      setSecret(created.secret);
      setName("");
      void client.invalidateQueries({ queryKey: ["credentials", kind] });
    },
  });
  const revoke = async (id: string) => {
    await api(`/api/${kind}/${encodeURIComponent(id)}`, { method: "DELETE" });
    await client.invalidateQueries({ queryKey: ["credentials", kind] });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() !== "") create.mutate(name.trim());
  };

  return (
    <Stack gap="md" data-testid={`settings-${kind}`}>
      <Text size="sm" c="dimmed">
        {kind === "keys" ? t("credentials.keysIntro") : t("credentials.tokensIntro")}
      </Text>
      <form onSubmit={submit}>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={kind === "keys" ? t("credentials.newKey") : t("credentials.newToken")}
            placeholder={t("credentials.namePlaceholder")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={100}
            style={{ flex: "1 1 280px" }}
            data-testid="credential-name"
          />
          {kind === "tokens" && (
            <RoleSelect
              value={role}
              onChange={setRole}
              withDescription={false}
              style={{ flex: "0 1 200px" }}
              testId="token-role"
            />
          )}
          <Button
            type="submit"
            loading={create.isPending}
            disabled={name.trim() === ""}
            data-testid="credential-create"
          >
            {t("common:action.create")}
          </Button>
        </Group>
        {kind === "tokens" && (
          <Text size="xs" c="dimmed" mt={4} data-testid="token-role-info">
            {t(`common:roleInfo.${role}`)}
          </Text>
        )}
      </form>
      <ActionError error={create.error} />
      <QueryState query={list}>
        {(data) =>
          data.items.length === 0 ? (
            <Text c="dimmed">{t("credentials.none")}</Text>
          ) : (
            <ListTable
              minWidth={560}
              headers={[
                t("common.name"),
                ...(kind === "tokens" ? [t("accounts.role")] : []),
                t("common.created"),
                t("common.status"),
                t("common.actions"),
              ]}
            >
              {data.items.map((c) => (
                <Table.Tr
                  key={c.id}
                  data-testid="credential-row"
                  data-id={c.id}
                  data-name={c.name}
                  data-role={c.role ?? undefined}
                >
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {c.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {c.id}
                    </Text>
                  </Table.Td>
                  {kind === "tokens" && (
                    <Table.Td>
                      {c.role && (
                        <Badge variant="light" color={ROLE_COLORS[c.role]} data-testid="credential-role">
                          {t(`common:role.${c.role}`)}
                        </Badge>
                      )}
                    </Table.Td>
                  )}
                  <Table.Td>{format.dateTime(c.createdAt)}</Table.Td>
                  <Table.Td>
                    <StatusBadge
                      endedLabel={c.revokedAt && t("common.revoked", { at: format.date(c.revokedAt) })}
                      testId="credential-revoked"
                    />
                  </Table.Td>
                  <Table.Td>
                    {!c.revokedAt && (
                      <ConfirmButton
                        label={t("credentials.revoke")}
                        title={t("credentials.revokeTitle", { name: c.name })}
                        body={kind === "keys" ? t("credentials.revokeKey") : t("credentials.revokeToken")}
                        onConfirm={() => revoke(c.id)}
                        testId="credential-revoke"
                      />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </ListTable>
          )
        }
      </QueryState>
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}
