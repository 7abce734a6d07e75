// The role picker of accounts and API tokens: the five roles, each with a line on what it may do.
import { Select, type SelectProps, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ROLES } from "../../app/access.js";
import type { Role } from "../../app/auth.js";
import { NS } from "./messages.js";

export function RoleSelect({
  value,
  onChange,
  compact = false,
  withDescription = !compact,
  label,
  testId,
  ...rest
}: {
  value: Role;
  onChange: (role: Role) => void;
  /** In a table row: no label or description under the field (the label is for screen readers). */
  compact?: boolean;
  /** The chosen role's line under the field (default: unless compact). */
  withDescription?: boolean;
  label?: string;
  testId?: string;
} & Pick<SelectProps, "style" | "disabled" | "w">) {
  const { t } = useTranslation([NS, "common"]);
  const name = (r: Role) => t(`common:role.${r}`);
  return (
    <Select<Role>
      {...rest}
      label={compact ? undefined : (label ?? t("accounts.role"))}
      aria-label={label ?? t("accounts.role")}
      description={withDescription ? t(`common:roleInfo.${value}`) : undefined}
      size={compact ? "xs" : "sm"}
      data={ROLES.map((r) => ({ value: r, label: name(r) }))}
      value={value}
      onChange={(v) => v && onChange(v)}
      allowDeselect={false}
      comboboxProps={{ width: 320, position: "bottom-start" }}
      renderOption={({ option }) => (
        <Stack gap={0} data-testid={`role-option-${option.value}`}>
          <Text size="sm" fw={500}>
            {option.label}
          </Text>
          <Text size="xs" c="dimmed">
            {t(`common:roleInfo.${option.value}`)}
          </Text>
        </Stack>
      )}
      data-testid={testId}
    />
  );
}
