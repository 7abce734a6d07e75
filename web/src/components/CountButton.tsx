// A count that opens the customers behind it: a link-styled button whose accessible name says what it
// lists. Every view that shows a number of customers uses it, so the numbers look and behave alike.
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
  return (
    <UnstyledButton
      onClick={onClick}
      aria-label={label}
      data-testid={testId}
      data-count={value}
      c="blue.7"
      fw={600}
      style={{ textDecoration: "underline dotted", textUnderlineOffset: 3 }}
    >
      {format.number(value)}
    </UnstyledButton>
  );
}
