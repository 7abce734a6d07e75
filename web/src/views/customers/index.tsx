// Customer search: one box for any identifier (email, phone, user id, name…), results linking to the
// customer 360. The query lives in the URL (`q`), so a search can be shared or reloaded.
import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useUrlState } from "../../app/url-state.js";
import { EmptyState, QueryState } from "../../components/states.js";
import { ViewHeader } from "../../components/ViewHeader.js";
import { useFormat } from "../../i18n/format.js";
import { type CustomerMatch, useCustomerSearch } from "./api.js";
import { NS } from "./messages.js";

export default function CustomerSearch() {
  const { t } = useTranslation([NS, "common"]);
  const [state, set] = useUrlState({ q: "" });
  const [text, setText] = useState(state.q);
  // Back/forward and shared links change q without typing.
  useEffect(() => setText(state.q), [state.q]);
  const results = useCustomerSearch(state.q);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    set({ q: text.trim() }, { push: true });
  };

  return (
    <Stack gap="md">
      <ViewHeader title={t("search.title")} intro={t("search.intro")} />
      <search>
        <form onSubmit={submit}>
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label={t("search.label")}
              placeholder={t("search.placeholder")}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              maxLength={256}
              leftSection={<IconSearch size={16} aria-hidden="true" />}
              style={{ flex: "1 1 320px" }}
              data-testid="customer-search-input"
            />
            <Button type="submit" disabled={text.trim() === ""} data-testid="customer-search-submit">
              {t("search.submit")}
            </Button>
          </Group>
        </form>
      </search>
      {state.q === "" ? (
        <EmptyState title={t("search.prompt")} />
      ) : (
        <QueryState
          query={results}
          isEmpty={(d) => d.customers.length === 0}
          empty={<EmptyState title={t("search.none", { q: state.q })} />}
        >
          {(d) => <Results customers={d.customers} />}
        </QueryState>
      )}
    </Stack>
  );
}

function Results({ customers }: { customers: CustomerMatch[] }) {
  const { t } = useTranslation([NS, "common"]);
  const format = useFormat();
  const kindName = (kind: string) => t(`kind.${kind}`, { defaultValue: kind });
  return (
    <Paper withBorder p="sm" data-testid="customer-results">
      <Text size="sm" c="dimmed" mb="xs">
        {t("search.results", { n: format.number(customers.length) })}
      </Text>
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("common:customers.name")}</Table.Th>
              <Table.Th>{t("search.identifiers")}</Table.Th>
              <Table.Th>{t("common:customers.stage")}</Table.Th>
              <Table.Th>{t("common:customers.persona")}</Table.Th>
              <Table.Th>{t("common:customers.lastSeen")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {customers.map((c) => (
              <Table.Tr key={c.id} data-testid="customer-result" data-id={c.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/customers/${c.id}`} fw={500}>
                    {c.name ?? t("profile.unnamed", { id: c.id })}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {t("search.matchedBy", { kinds: c.matchedBy.map(kindName).join(", ") })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Stack gap={2}>
                    {c.identifiers.slice(0, 4).map((i) => (
                      <Text size="xs" key={`${i.kind}:${i.value}`}>
                        <Text span c="dimmed" size="xs">
                          {kindName(i.kind)}
                        </Text>{" "}
                        {i.value}
                      </Text>
                    ))}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  {c.stage ? (
                    <Badge variant="light">{t(`common:stage.${c.stage}`, { defaultValue: c.stage })}</Badge>
                  ) : (
                    "–"
                  )}
                </Table.Td>
                <Table.Td>{c.persona?.name ?? "–"}</Table.Td>
                <Table.Td>{format.dateTime(c.lastSeen)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
