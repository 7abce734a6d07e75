// A count that opens the customers behind it: a link-styled button whose accessible name starts with the
// number it shows (so a voice command of what is seen works) and says what it lists. Every view that shows a number of customers uses it, so the numbers look and behave alike.
import { UnstyledButton } from "@mantine/core";
import { useFormat } from "../i18n/format.js";

export function CountButton({
  value,
  label,
  onClick,
  testId,
}: {
  value: number;
  label: string;
  onClick: () => void;
  testId: string;
}) {
  const format = useFormat();
  const shown = format.number(value);
  return (
    <UnstyledButton
      onClick={onClick}
      aria-label={`${shown}: ${label}`}
      data-testid={testId}
      data-count={value}
      c="var(--mantine-color-anchor)"
      fw={600}
      style={{ textDecoration: "underline dotted", textUnderlineOffset: 3 }}
    >
      {shown}
    </UnstyledButton>
  );
}
