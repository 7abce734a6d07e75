// Sign-in with a local account. On success it returns to the page the visitor wanted (`next`).
import {
  Alert,
  Button,
  Center,
  Code,
  Paper,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { useAuth } from "../../app/auth.js";
import { changeLanguage, type Language } from "../../i18n/index.js";

/** Only paths of this site: a `next` pointing elsewhere would make sign-in an open redirect. */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export default function SignIn() {
  const { t, i18n } = useTranslation();
  const { account, signIn } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get("next"));
  if (account) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
      navigate(next, { replace: true });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const [before, command, after] = t("signIn.firstRun").split("`");
  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Paper withBorder shadow="sm" p="xl" w={400} maw="100%" component="main">
        <form onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
          <Stack>
            <Title order={2} id="sign-in-title">
              {t("signIn.title")}
            </Title>
            {error && (
              <Alert color="red" title={t("signIn.failed")} role="alert" data-testid="sign-in-error">
                {error}
              </Alert>
            )}
            <TextInput
              label={t("signIn.email")}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              data-autofocus
              name="email"
            />
            <PasswordInput
              label={t("signIn.password")}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              name="password"
            />
            <Button type="submit" loading={busy} fullWidth>
              {t("signIn.submit")}
            </Button>
            <Text size="xs" c="dimmed">
              {before}
              <Code>{command}</Code>
              {after}
            </Text>
            <SegmentedControl
              size="xs"
              aria-label={t("language.label")}
              data-testid="language-switch"
              value={i18n.language === "ko" ? "ko" : "en"}
              onChange={(v) => void changeLanguage(v as Language)}
              data={[
                { value: "en", label: "English" },
                { value: "ko", label: "한국어" },
              ]}
            />
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
