// Placeholder while the view is being built (replaced in this work).
import { Title } from "@mantine/core";

export default function View() {
  return <Title order={2}>frictions</Title>;
}
