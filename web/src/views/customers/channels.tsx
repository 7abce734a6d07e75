// Channel icons and names: one icon per channel so a mixed timeline reads at a glance.
import {
  IconAd2,
  IconBell,
  IconBrandHipchat,
  IconBuildingStore,
  IconDeviceMobile,
  IconMail,
  IconMessage,
  IconPhone,
  IconPointFilled,
  IconShare,
  IconWorld,
} from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

const ICONS = {
  web: IconWorld,
  app: IconDeviceMobile,
  email: IconMail,
  sms: IconMessage,
  phone: IconPhone,
  chat: IconBrandHipchat,
  social: IconShare,
  store: IconBuildingStore,
  ads: IconAd2,
  push: IconBell,
} as const;

/** Channels the shared vocabulary names, in the order the filter offers them. */
export const KNOWN_CHANNELS = Object.keys(ICONS) as Array<keyof typeof ICONS>;

export function ChannelIcon({ channel, size = 18 }: { channel: string; size?: number }) {
  const Icon = ICONS[channel as keyof typeof ICONS] ?? IconPointFilled;
  return <Icon size={size} stroke={1.6} aria-hidden="true" />;
}

/** The channel's name in the reader's language; a channel outside the vocabulary keeps its own name. */
export function useChannelName(): (channel: string) => string {
  const { t } = useTranslation("common");
  return (channel) => t(`channel.${channel}`, { defaultValue: channel });
}
