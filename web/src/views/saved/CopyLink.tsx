// "Copy link": puts a dashboard link on the clipboard for a team member (it opens after they sign in).
import { Button, CopyButton, Tooltip } from "@mantine/core";
import { IconCheck, IconLink } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { shareLink } from "./api.js";
import { NS } from "./messages.js";

export function CopyLink({ path, testId }: { path: string; testId: string }) {
  const { t } = useTranslation(NS);
  const link = shareLink(path);
  return (
    <CopyButton value={link}>
      {({ copied, copy }) => (
        <Tooltip label={link} withinPortal>
          <Button
            variant="default"
            onClick={copy}
            leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconLink size={16} aria-hidden />}
            data-testid={testId}
            data-link={link}
            className="itinera-noprint"
          >
            {copied ? t("share.copied") : t("share.copyLink")}
          </Button>
        </Tooltip>
      )}
    </CopyButton>
  );
}
