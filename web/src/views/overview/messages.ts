// The overview's words.
import { registerMessages } from "../../i18n/index.js";

const en = {
  title: "Overview",
  period: "{{from}} – {{to}}",
  asOf: "Journey as of {{time}}",
  kpi: {
    customers: "Customers",
    customersHint: "active in the period · {{total}} in all",
    events: "Events",
    eventsHint: "in the period · {{total}} in all",
    last24h: "Last 24 h",
    last24hHint: "events received",
    nps: "NPS",
    npsHint: "{{n}} answers: {{promoters}} promoters, {{detractors}} detractors",
    csat: "CSAT",
    csatHint: "{{share}} satisfied (4–5) of {{n}} answers",
    noAnswers: "No survey answers in the period",
  },
  channels: {
    title: "Channels",
    customers: "Customers per channel",
    events: "Events per channel",
    none: "No events in this period",
    table: "Customers and events per channel",
    channel: "Channel",
    customersColumn: "Customers",
    eventsColumn: "Events",
  },
  stages: {
    title: "Journey stages",
    now: "now",
    reached: "{{n}} reached",
    reachedLabel: "{{n}} reached: show the customers who reached {{stage}} in the period",
    conversion: "{{p}} moved on",
    conversionLabel: "{{p}} of the customers who reached {{from}} moved on to {{to}}",
    drawer: "Customers who reached {{stage}}",
    openMap: "Open the journey map",
  },
  frictions: {
    title: "Top frictions",
    all: "See all frictions",
    customers: "{{n}} customers",
    none: "No frictions found in this period",
  },
  channelName: { server: "Server" },
};

export const overviewMessages = {
  en,
  ko: {
    title: "개요",
    period: "{{from}} – {{to}}",
    asOf: "{{time}} 기준 고객 여정",
    kpi: {
      customers: "고객",
      customersHint: "기간 중 활동 · 전체 {{total}}명",
      events: "이벤트",
      eventsHint: "기간 중 · 전체 {{total}}건",
      last24h: "최근 24시간",
      last24hHint: "받은 이벤트",
      nps: "NPS",
      npsHint: "응답 {{n}}건: 추천 {{promoters}}, 비추천 {{detractors}}",
      csat: "CSAT",
      csatHint: "응답 {{n}}건 중 만족(4–5) {{share}}",
      noAnswers: "기간 중 설문 응답 없음",
    },
    channels: {
      title: "채널",
      customers: "채널별 고객",
      events: "채널별 이벤트",
      none: "이 기간에는 이벤트가 없습니다",
      table: "채널별 고객과 이벤트",
      channel: "채널",
      customersColumn: "고객",
      eventsColumn: "이벤트",
    },
    stages: {
      title: "고객 여정 단계",
      now: "현재",
      reached: "{{n}}명 도달",
      reachedLabel: "{{n}}명 도달: 기간 중 {{stage}} 단계에 도달한 고객 보기",
      conversion: "{{p}} 다음 단계로",
      conversionLabel: "{{from}} 단계에 도달한 고객 중 {{p}}가 {{to}} 단계로 이동",
      drawer: "{{stage}} 단계에 도달한 고객",
      openMap: "고객 여정 지도 열기",
    },
    frictions: {
      title: "주요 마찰 지점",
      all: "모든 마찰 지점 보기",
      customers: "고객 {{n}}명",
      none: "이 기간에는 마찰 지점이 없습니다",
    },
    channelName: { server: "서버" },
  },
};

registerMessages("overview", overviewMessages);
