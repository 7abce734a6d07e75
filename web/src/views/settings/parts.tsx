// Pieces every settings tab uses: the secret shown once, a confirmation before anything destructive,
// the API's error message where the action was taken, the form modal, the list table and icon actions.
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  type TextareaProps,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { IconCheck, IconCopy, IconPencil, IconTrash } from "@tabler/icons-react";
import { type FormEvent, type ReactNode, useState } from "react";
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
    <TitledModal opened={secret !== null} onClose={onClose} title={title ?? t("secret.title")} size="lg">
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
    </TitledModal>
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
        <IconAction
          label={label}
          ariaLabel={ariaLabel}
          icon={icon}
          color="red"
          onClick={() => setOpen(true)}
          testId={testId}
        />
      ) : (
        <Button size="xs" variant="light" color="red" onClick={() => setOpen(true)} data-testid={testId}>
          {label}
        </Button>
      )}
      <TitledModal opened={open} onClose={() => setOpen(false)} title={title}>
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
      </TitledModal>
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

/** An icon button whose label is both its tooltip and its accessible name. */
export function IconAction({
  label,
  ariaLabel,
  icon,
  onClick,
  color,
  disabled,
  testId,
}: {
  label: string;
  /** When the tooltip alone would be ambiguous to a screen reader (e.g. "Delete" of which row). */
  ariaLabel?: string;
  icon: ReactNode;
  onClick: () => void;
  color?: string;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <Tooltip label={label}>
      <ActionIcon
        variant="subtle"
        color={color}
        disabled={disabled}
        onClick={onClick}
        aria-label={ariaLabel ?? label}
        data-testid={testId}
      >
        {icon}
      </ActionIcon>
    </Tooltip>
  );
}

/** A column heading; a fixed width where the column holds only a short number. */
type Header = string | { label: string; width: number };

/** A bordered table that scrolls sideways below `minWidth`; `children` are its body rows. */
export function ListTable({
  headers,
  minWidth,
  striped,
  children,
}: {
  headers: Header[];
  minWidth: number;
  striped?: boolean;
  children: ReactNode;
}) {
  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table striped={striped}>
          <Table.Thead>
            <Table.Tr>
              {headers.map((h) =>
                typeof h === "string" ? (
                  <Table.Th key={h}>{h}</Table.Th>
                ) : (
                  <Table.Th key={h.label} w={h.width}>
                    {h.label}
                  </Table.Th>
                ),
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{children}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/** Active, or when it ended (disabled, revoked) as `endedLabel`. */
export function StatusBadge({ endedLabel, testId }: { endedLabel: string | null; testId?: string }) {
  const { t } = useTranslation(NS);
  return endedLabel ? (
    <Badge color="gray" variant="light" data-testid={testId}>
      {endedLabel}
    </Badge>
  ) : (
    <Badge color="teal" variant="light">
      {t("common.active")}
    </Badge>
  );
}

/** A form in a modal: its fields, the API's refusal, and cancel beside the submit button. */
export function FormModal({
  title,
  size,
  testId,
  onSubmit,
  onClose,
  mutation,
  submitLabel,
  submitTestId,
  children,
}: {
  title: string;
  size?: string;
  testId: string;
  onSubmit: (e: FormEvent) => void;
  onClose: () => void;
  /** The request the form sends: its refusal is shown and the submit button waits for it. */
  mutation: { error: unknown; isPending: boolean };
  submitLabel: string;
  submitTestId: string;
  children: ReactNode;
}) {
  const { t } = useTranslation(NS);
  return (
    <TitledModal opened onClose={onClose} size={size} title={title}>
      <form onSubmit={onSubmit} noValidate data-testid={testId}>
        <Stack gap="sm">
          {children}
          <ActionError error={mutation.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common:action.cancel")}
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid={submitTestId}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </TitledModal>
  );
}

/** A multi-line JSON field, in a monospace font so structure lines up. */
export function JsonTextarea(props: TextareaProps & { "data-testid"?: string }) {
  return <Textarea autosize styles={{ input: { fontFamily: "monospace" } }} {...props} />;
}

/** The required name of what a form creates or edits. */
export function NameInput({
  value,
  onChange,
  error,
  maxLength,
  testId,
}: {
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  maxLength: number;
  testId: string;
}) {
  const { t } = useTranslation(NS);
  return (
    <TextInput
      label={t("common.name")}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      maxLength={maxLength}
      required
      error={error}
      data-testid={testId}
    />
  );
}

/** A tab's explanation, with its main action (add, invite) beside it. */
export function TabHeader({ intro, action }: { intro: string; action: ReactNode }) {
  return (
    <Group justify="space-between" wrap="wrap">
      <Text size="sm" c="dimmed" maw={720}>
        {intro}
      </Text>
      {action}
    </Group>
  );
}

/** Edit and (after a confirmation) remove buttons for one named item of a list. */
export function EditRemoveActions({
  name,
  onEdit,
  onRemove,
  removeTitle,
  removeBody,
  testIdPrefix,
}: {
  name: string;
  onEdit: () => void;
  onRemove: () => Promise<unknown>;
  removeTitle: string;
  removeBody: string;
  /** `<prefix>-edit` and `<prefix>-remove`. */
  testIdPrefix: string;
}) {
  const { t } = useTranslation(NS);
  return (
    <>
      <IconAction
        label={t("common.editItem", { name })}
        icon={<IconPencil size={16} />}
        onClick={onEdit}
        testId={`${testIdPrefix}-edit`}
      />
      <ConfirmButton
        label={t("common:action.delete")}
        ariaLabel={t("common.removeItem", { name })}
        icon={<IconTrash size={16} />}
        title={removeTitle}
        body={removeBody}
        onConfirm={onRemove}
        testId={`${testIdPrefix}-remove`}
      />
    </>
  );
}

/** The settings' modals: a bold title and a close button screen readers can name. */
export function TitledModal({
  opened,
  onClose,
  title,
  size,
  children,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  size?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation(NS);
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      size={size}
      title={<Text fw={600}>{title}</Text>}
      closeButtonProps={{ "aria-label": t("common:action.close") }}
    >
      {children}
    </Modal>
  );
}
