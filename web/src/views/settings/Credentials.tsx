// Write keys and API tokens: the list (never the secrets), a new one with its secret shown once, revoke.
import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.js";
import { QueryState } from "../../components/states.js";
import { useFormat } from "../../i18n/format.js";
import { NS } from "./messages.js";
import { ActionError, ConfirmButton, SecretModal } from "./parts.js";

interface Credential {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export function Credentials({ kind }: { kind: "keys" | "tokens" }) {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["credentials", kind],
    queryFn: ({ signal }) => api<{ items: Credential[] }>(`/api/${kind}`, { signal }),
  });
  const [name, setName] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (n: string) =>
      api<Credential & { secret: string }>(`/api/${kind}`, { method: "POST", body: { name: n } }),
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
          <Button
            type="submit"
            loading={create.isPending}
            disabled={name.trim() === ""}
            data-testid="credential-create"
          >
            {t("common:action.create")}
          </Button>
        </Group>
      </form>
      <ActionError error={create.error} />
      <QueryState query={list}>
        {(data) =>
          data.items.length === 0 ? (
            <Text c="dimmed">{t("credentials.none")}</Text>
          ) : (
            <Paper withBorder>
              <Table.ScrollContainer minWidth={560}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t("common.name")}</Table.Th>
                      <Table.Th>{t("common.created")}</Table.Th>
                      <Table.Th>{t("common.status")}</Table.Th>
                      <Table.Th>{t("common.actions")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((c) => (
                      <Table.Tr key={c.id} data-testid="credential-row" data-id={c.id} data-name={c.name}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {c.name}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {c.id}
                          </Text>
                        </Table.Td>
                        <Table.Td>{format.dateTime(c.createdAt)}</Table.Td>
                        <Table.Td>
                          {c.revokedAt ? (
                            <Badge color="gray" variant="light" data-testid="credential-revoked">
                              {t("common.revoked", { at: format.date(c.revokedAt) })}
                            </Badge>
                          ) : (
                            <Badge color="teal" variant="light">
                              {t("common.active")}
                            </Badge>
                          )}
                        </Table.Td>
                        <Table.Td>
                          {!c.revokedAt && (
                            <ConfirmButton
                              label={t("credentials.revoke")}
                              title={t("credentials.revokeTitle", { name: c.name })}
                              body={
                                kind === "keys" ? t("credentials.revokeKey") : t("credentials.revokeToken")
                              }
                              onConfirm={() => revoke(c.id)}
                              testId="credential-revoke"
                            />
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          )
        }
      </QueryState>
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}
