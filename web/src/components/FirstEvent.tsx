// What an empty database shows: how to send the first event, with a snippet to copy.
import { Button, Code, CopyButton, Group, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";

export function firstEventSnippet(origin: string): string {
  return [
    `curl -u YOUR_WRITE_KEY: ${origin}/v1/track \\`,
    "  -H 'content-type: application/json' \\",
    `  -d '{"userId":"u-1","event":"Product Viewed","properties":{"product_id":"tv-55"}}'`,
  ].join("\n");
}

export function FirstEvent() {
  const { t } = useTranslation();
  const snippet = firstEventSnippet(window.location.origin);
  return (
    <Stack gap="sm" maw={720} data-testid="first-event">
      <Title order={3}>{t("empty.title")}</Title>
      <Text>{t("empty.body")}</Text>
      <Code block>{snippet}</Code>
      <Group>
        <CopyButton value={snippet}>
          {({ copied, copy }) => (
            <Button size="xs" variant="light" onClick={copy}>
              {copied ? t("empty.copied") : t("empty.copy")}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}
