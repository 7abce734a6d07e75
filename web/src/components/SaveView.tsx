// The "Save" action of an analysis: names the view as it is now (its kind and URL query) and keeps it
// among the saved views. Shown only to roles that may save (views.edit).
import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { IconBookmark } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import type { ViewKind } from "../../../src/saved/schema.js";
import { useCan } from "../app/auth.js";
import { useSaveView } from "../views/saved/api.js";
import { NS } from "../views/saved/messages.js";
import { ErrorState } from "./states.js";

export function SaveViewButton({ kind }: { kind: ViewKind }) {
  const { t } = useTranslation(NS);
  const can = useCan();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const save = useSaveView();
  if (!can("views.edit")) return null;

  const close = () => {
    setOpen(false);
    save.reset();
  };
  const submit = () => {
    if (!name.trim()) return;
    const state = Object.fromEntries(new URLSearchParams(location.search));
    save.mutate({ kind, name: name.trim(), description: description.trim(), state });
  };

  return (
    <>
      <Button
        variant="default"
        leftSection={<IconBookmark size={16} aria-hidden />}
        onClick={() => {
          setName("");
          setDescription("");
          setOpen(true);
        }}
        className="itinera-noprint"
        data-testid="save-view"
      >
        {t("save.button")}
      </Button>
      <Modal opened={open} onClose={close} title={t("save.title")}>
        {save.isSuccess ? (
          <Stack gap="sm">
            <Alert color="green" data-testid="save-view-done">
              {t("save.done", { name: save.data.name })}
            </Alert>
            <Group justify="flex-end">
              <Button component={Link} to="/saved" variant="light" onClick={close}>
                {t("save.openSaved")}
              </Button>
              <Button onClick={close}>{t("save.close")}</Button>
            </Group>
          </Stack>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <Stack gap="sm">
              <Text size="sm" c="dimmed">
                {t("save.intro")}
              </Text>
              <TextInput
                label={t("save.name")}
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                maxLength={120}
                required
                data-autofocus
                data-testid="save-view-name"
              />
              <Textarea
                label={t("save.description")}
                placeholder={t("save.descriptionPlaceholder")}
                value={description}
                onChange={(e) => setDescription(e.currentTarget.value)}
                maxLength={2000}
                autosize
                minRows={2}
                data-testid="save-view-description"
              />
              {save.isError && <ErrorState error={save.error} />}
              <Group justify="flex-end">
                <Button variant="default" onClick={close}>
                  {t("save.cancel")}
                </Button>
                <Button
                  type="submit"
                  loading={save.isPending}
                  disabled={!name.trim()}
                  data-testid="save-view-submit"
                >
                  {t("save.submit")}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
