// The Live view's words.
import { registerMessages } from "../../i18n/index.js";

export const NS = "live";

const en = {
  title: "Live",
  intro:
    "Events as they are stored, with the customer they were stitched to, their touchpoint and the stage they move the customer to.",
  filter: {
    event: "Event name",
    eventPlaceholder: "Any event",
    channel: "Channel",
    anyChannel: "Any channel",
    customer: "Customer id",
    customerPlaceholder: "Any customer",
    invalidCustomer: "A customer id is a whole number",
  },
  connection: {
    connecting: "Connecting…",
    open: "Live",
    reconnecting: "Reconnecting…",
  },
  paused: "Paused while the pointer is over the list · {{count}} new",
  pausedOne: "Paused while the pointer is over the list · 1 new",
  running: "Newest first · the latest {{max}} are kept · point at the list to pause",
  skipped: "{{count}} events were skipped: the connection could not keep up",
  waiting: "Waiting for events…",
  waitingBody: "Events appear here as soon as they are stored. Send one with the write key:",
  column: {
    time: "Time",
    event: "Event",
    customer: "Customer",
    channel: "Channel",
    touchpoint: "Touchpoint",
    stage: "Stage change",
  },
  anonymous: "No identifier",
  noTouchpoint: "—",
  entered: "{{from}} → {{to}}",
  enteredFirst: "→ {{to}}",
  provisional:
    "Judged against the stage at the last journey refresh; the next refresh (seconds later) records it.",
  listLabel: "Events as they arrive",
};

registerMessages(NS, {
  en,
  ko: {
    title: "실시간",
    intro: "저장되는 즉시 보이는 이벤트: 연결된 고객, 터치포인트, 고객이 옮겨 가는 단계.",
    filter: {
      event: "이벤트 이름",
      eventPlaceholder: "모든 이벤트",
      channel: "채널",
      anyChannel: "모든 채널",
      customer: "고객 ID",
      customerPlaceholder: "모든 고객",
      invalidCustomer: "고객 ID는 정수입니다",
    },
    connection: {
      connecting: "연결 중…",
      open: "실시간",
      reconnecting: "다시 연결 중…",
    },
    paused: "포인터가 목록 위에 있는 동안 일시 정지 · 새 이벤트 {{count}}건",
    pausedOne: "포인터가 목록 위에 있는 동안 일시 정지 · 새 이벤트 1건",
    running: "최신순 · 최근 {{max}}건 유지 · 목록을 가리키면 일시 정지",
    skipped: "연결이 따라가지 못해 이벤트 {{count}}건을 건너뛰었습니다",
    waiting: "이벤트를 기다리는 중…",
    waitingBody: "이벤트가 저장되는 즉시 여기에 나타납니다. 쓰기 키로 하나 보내 보세요:",
    column: {
      time: "시각",
      event: "이벤트",
      customer: "고객",
      channel: "채널",
      touchpoint: "터치포인트",
      stage: "단계 변화",
    },
    anonymous: "식별자 없음",
    noTouchpoint: "—",
    entered: "{{from}} → {{to}}",
    enteredFirst: "→ {{to}}",
    provisional: "마지막 여정 갱신 시점의 단계와 비교한 결과이며, 몇 초 뒤 다음 갱신에서 기록됩니다.",
    listLabel: "도착하는 이벤트",
  },
});
