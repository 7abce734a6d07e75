// Pieces every settings tab uses: the secret shown once, a confirmation before anything destructive,
// and the API's error message where the action was taken.
import {
  ActionIcon,
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Text,
  Tooltip,
} from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client.js";
import { NS } from "./messages.js";

/** The API's message (and code) for a failed action; nothing when there is no error. */
export function ActionError({ error }: { error: unknown }) {
  const { t } = useTranslation("common");
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" title={t("state.error")} role="alert" data-testid="action-error">
      {message}
      {error instanceof ApiError ? ` (${error.code})` : ""}
    </Alert>
  );
}

/** A secret the server shows once (a key, a token, a password), with a copy button. */
export function SecretModal({
  secret,
  title,
  onClose,
}: {
  secret: string | null;
  title?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation(NS);
  return (
    <Modal
      opened={secret !== null}
      onClose={onClose}
      title={<Text fw={600}>{title ?? t("secret.title")}</Text>}
      closeButtonProps={{ "aria-label": t("common:action.close") }}
      size="lg"
    >
      <Stack gap="sm">
        <Alert color="yellow">{t("secret.once")}</Alert>
        <Group gap="xs" wrap="nowrap">
          <Code block style={{ flex: 1, wordBreak: "break-all" }} data-testid="secret-value">
            {secret}
          </Code>
          <CopyButton value={secret ?? ""}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? t("common.copied") : t("common.copy")}>
                <ActionIcon
                  variant="light"
                  color={copied ? "teal" : "blue"}
                  onClick={copy}
                  aria-label={t("common.copy")}
                  size="lg"
                >
                  {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
        <Group justify="flex-end">
          <Button onClick={onClose} data-testid="secret-done">
            {t("secret.done")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A button that asks before doing something that cannot be undone, and shows the API's refusal. */
export function ConfirmButton({
  label,
  title,
  body,
  onConfirm,
  testId,
  icon,
  ariaLabel,
}: {
  label: string;
  title: string;
  body: ReactNode;
  onConfirm: () => Promise<unknown>;
  testId?: string;
  icon?: ReactNode;
  ariaLabel?: string;
}) {
  const { t } = useTranslation(NS);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {icon ? (
        <Tooltip label={label}>
          <ActionIcon
            variant="subtle"
            color="red"
            onClick={() => setOpen(true)}
            aria-label={ariaLabel ?? label}
            data-testid={testId}
          >
            {icon}
          </ActionIcon>
        </Tooltip>
      ) : (
        <Button size="xs" variant="light" color="red" onClick={() => setOpen(true)} data-testid={testId}>
          {label}
        </Button>
      )}
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={<Text fw={600}>{title}</Text>}
        closeButtonProps={{ "aria-label": t("common:action.close") }}
      >
        <Stack gap="sm">
          <Text size="sm">{body}</Text>
          <ActionError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t("common:action.cancel")}
            </Button>
            <Button color="red" loading={busy} onClick={() => void confirm()} data-testid="confirm">
              {label}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Parses a JSON field of a form: the value, or the reason it is not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
